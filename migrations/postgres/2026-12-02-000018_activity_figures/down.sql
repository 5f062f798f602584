DROP TABLE submission_figures;
DROP TABLE activity_figures;
