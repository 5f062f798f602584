-- Reference data every installation has: the 17 centers, the first zone kinds and the policy
-- finance institutions of the rotation. Identical for SQLite and PostgreSQL.

INSERT INTO centers (slug, ref_prefix, name_ko, name_en, region_ko, region_en, timezone, sort_order) VALUES
('seoul',     'SE', '서울창조경제혁신센터', 'Seoul Center for Creative Economy & Innovation',     '서울특별시',     'Seoul',             'Asia/Seoul', 1),
('busan',     'BS', '부산창조경제혁신센터', 'Busan Center for Creative Economy & Innovation',     '부산광역시',     'Busan',             'Asia/Seoul', 2),
('daegu',     'DG', '대구창조경제혁신센터', 'Daegu Center for Creative Economy & Innovation',     '대구광역시',     'Daegu',             'Asia/Seoul', 3),
('incheon',   'IC', '인천창조경제혁신센터', 'Incheon Center for Creative Economy & Innovation',   '인천광역시',     'Incheon',           'Asia/Seoul', 4),
('gwangju',   'GJ', '광주창조경제혁신센터', 'Gwangju Center for Creative Economy & Innovation',   '광주광역시',     'Gwangju',           'Asia/Seoul', 5),
('daejeon',   'DJ', '대전창조경제혁신센터', 'Daejeon Center for Creative Economy & Innovation',   '대전광역시',     'Daejeon',           'Asia/Seoul', 6),
('ulsan',     'US', '울산창조경제혁신센터', 'Ulsan Center for Creative Economy & Innovation',     '울산광역시',     'Ulsan',             'Asia/Seoul', 7),
('sejong',    'SJ', '세종창조경제혁신센터', 'Sejong Center for Creative Economy & Innovation',    '세종특별자치시', 'Sejong',            'Asia/Seoul', 8),
('gyeonggi',  'GG', '경기창조경제혁신센터', 'Gyeonggi Center for Creative Economy & Innovation',  '경기도',         'Gyeonggi Province', 'Asia/Seoul', 9),
('gangwon',   'GW', '강원창조경제혁신센터', 'Gangwon Center for Creative Economy & Innovation',   '강원특별자치도', 'Gangwon State',     'Asia/Seoul', 10),
('chungbuk',  'CB', '충북창조경제혁신센터', 'Chungbuk Center for Creative Economy & Innovation',  '충청북도',       'North Chungcheong', 'Asia/Seoul', 11),
('chungnam',  'CN', '충남창조경제혁신센터', 'Chungnam Center for Creative Economy & Innovation',  '충청남도',       'South Chungcheong', 'Asia/Seoul', 12),
('jeonbuk',   'JB', '전북창조경제혁신센터', 'Jeonbuk Center for Creative Economy & Innovation',   '전북특별자치도', 'Jeonbuk State',     'Asia/Seoul', 13),
('jeonnam',   'JN', '전남창조경제혁신센터', 'Jeonnam Center for Creative Economy & Innovation',   '전라남도',       'South Jeolla',      'Asia/Seoul', 14),
('gyeongbuk', 'GB', '경북창조경제혁신센터', 'Gyeongbuk Center for Creative Economy & Innovation', '경상북도',       'North Gyeongsang',  'Asia/Seoul', 15),
('gyeongnam', 'GN', '경남창조경제혁신센터', 'Gyeongnam Center for Creative Economy & Innovation', '경상남도',       'South Gyeongsang',  'Asia/Seoul', 16),
('jeju',      'JJ', '제주창조경제혁신센터', 'Jeju Center for Creative Economy & Innovation',     '제주특별자치도', 'Jeju',              'Asia/Seoul', 17);

INSERT INTO zone_kinds (code, name_ko, name_en, summary_ko, summary_en, sort_order) VALUES
('legal', '법률존', 'Legal zone',
 '공익 법무관이 계약, 노무, 법인 설립·지배구조, 분쟁, 규제·인허가 문제를 무료로 상담합니다.',
 'A public-interest legal officer advises free of charge on contracts, labour, incorporation and governance, disputes, and regulation and licensing.',
 1),
('finance', '금융존', 'Finance zone',
 '정책금융기관이 요일별로 돌아가며 보증, 정책자금 대출, 투자·IR, 지원사업을 상담합니다.',
 'Policy finance institutions take turns by weekday to advise on guarantees, policy loans, investment and IR, and grants.',
 2),
('ip', 'IP존', 'IP zone',
 '특허 전문가가 특허 출원, 상표·디자인, 선행기술 조사, IP 분쟁, 기술이전을 상담합니다.',
 'Patent experts advise on patent applications, trademarks and designs, prior-art searches, IP disputes and technology transfer.',
 3);

INSERT INTO finance_institutions (code, name_ko, name_en) VALUES
('KODIT', '신용보증기금', 'Korea Credit Guarantee Fund (KODIT)'),
('KIBO', '기술보증기금', 'Korea Technology Finance Corporation (KIBO)'),
('KDB', '한국산업은행', 'Korea Development Bank (KDB)'),
('IBK', 'IBK기업은행', 'Industrial Bank of Korea (IBK)');
