-- Where to go and how to reach a center (issue 16): the one-stop zone's address and room, the
-- desk's phone and e-mail, directions and parking, what to bring, and coordinates for the
-- calendar's GEO. One row per center, edited by its admin; empty text means "not given".
-- `sample` marks the demo's placeholder values, which every page shows as samples.
CREATE TABLE center_contacts (
    center_id BIGINT PRIMARY KEY REFERENCES centers (id) ON DELETE CASCADE,
    address_ko TEXT NOT NULL DEFAULT '',
    address_en TEXT NOT NULL DEFAULT '',
    place_ko TEXT NOT NULL DEFAULT '',
    place_en TEXT NOT NULL DEFAULT '',
    phone TEXT NOT NULL DEFAULT '',
    email TEXT NOT NULL DEFAULT '',
    directions_ko TEXT NOT NULL DEFAULT '',
    directions_en TEXT NOT NULL DEFAULT '',
    bring_ko TEXT NOT NULL DEFAULT '',
    bring_en TEXT NOT NULL DEFAULT '',
    latitude DOUBLE PRECISION,
    longitude DOUBLE PRECISION,
    sample BOOLEAN NOT NULL DEFAULT FALSE,
    updated_at TIMESTAMP,
    updated_by BIGINT REFERENCES users (id) ON DELETE SET NULL
);
INSERT INTO center_contacts (center_id) SELECT id FROM centers;
