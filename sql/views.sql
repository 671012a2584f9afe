-- Derived views over the warehouse's tables, created in .reasonrank/warehouse/warehouse.duckdb
-- each time it is rebuilt (after every table write, and by `reasonrank catalog`); a view whose
-- tables are not all written yet waits for them. Each table itself is a view named after it.

-- How the teacher labelled each site's pairs, parse failures included.
CREATE OR REPLACE VIEW label_distribution AS
SELECT site, parse_status, label, count(*) AS pairs
FROM teacher_judgments
GROUP BY ALL
ORDER BY ALL;

-- Every judgment beside the question and page it judges: the table to read explanations in.
CREATE OR REPLACE VIEW judgments_explained AS
SELECT j.site, j.question_id, q.title, j.url, p.title AS page_title, j.label, j.parse_status, j.explanation
FROM teacher_judgments j
JOIN questions q USING (site, question_id)
LEFT JOIN web_pages p ON p.url = j.url AND p.site = j.site;

-- nDCG@10 per system and domain, published reference rows included.
CREATE OR REPLACE VIEW leaderboard AS
SELECT benchmark, domain, system, reference, round(value, 2) AS ndcg10, p_value_vs_first_stage
FROM benchmark_scores
WHERE measure = 'nDCG@10'
ORDER BY benchmark, domain, ndcg10 DESC;
