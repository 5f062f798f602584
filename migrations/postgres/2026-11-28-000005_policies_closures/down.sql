DROP TABLE closures;
DROP TABLE zone_policies;
