-- The press release's other tables (issue 19): each center's monthly figures of startup
-- support and regional SME support, as entered (a draft the center's staff edit), and as
-- submitted with the month's version (frozen like the version itself). A figure is data
-- (its key), so a new one needs no migration.
CREATE TABLE activity_figures (
    center_id BIGINT NOT NULL REFERENCES centers (id),
    month DATE NOT NULL,
    figure TEXT NOT NULL,
    value BIGINT NOT NULL CHECK (value >= 0),
    updated_at TIMESTAMP NOT NULL,
    updated_by BIGINT REFERENCES users (id),
    PRIMARY KEY (center_id, month, figure)
);
CREATE TABLE submission_figures (
    submission_id BIGINT NOT NULL REFERENCES report_submissions (id),
    figure TEXT NOT NULL,
    value BIGINT NOT NULL CHECK (value >= 0),
    PRIMARY KEY (submission_id, figure)
);
CREATE TRIGGER submission_figures_frozen BEFORE UPDATE OR DELETE ON submission_figures
FOR EACH ROW EXECUTE FUNCTION report_submissions_frozen();
