-- Rebuilds the vulnerability rows and severity counts (V90) of many reports in one statement each
-- (the re-match of stored SBOMs replaces reports a batch at a time); scan_report_index(one) is now
-- this function for one report, so the two cannot drift apart.
CREATE FUNCTION scan_report_index_all(wanted text[]) RETURNS void LANGUAGE sql AS $$
    DELETE FROM scan_vulnerability WHERE report_uuid = ANY (wanted);
    INSERT INTO scan_vulnerability (report_uuid, ordinal, cve_id, package, package_version, fix_version, severity,
                                    severity_level, cvss_score_v3, status, description, links, cwe_ids,
                                    vendor_attributes)
    SELECT r.uuid, v.ord::integer,
           COALESCE(v.item->>'id', ''),
           COALESCE(v.item->>'package', ''),
           COALESCE(v.item->>'version', ''),
           COALESCE(v.item->>'fix_version', ''),
           s.severity,
           CASE s.severity WHEN 'Critical' THEN 5 WHEN 'High' THEN 4 WHEN 'Medium' THEN 3
                           WHEN 'Low' THEN 2 WHEN 'None' THEN 1 ELSE 0 END,
           CASE WHEN jsonb_typeof(v.item->'preferred_cvss'->'score_v3') = 'number'
                     THEN (v.item->'preferred_cvss'->>'score_v3')::double precision
                WHEN jsonb_typeof(v.item->'vendor_attributes'->'CVSS'->'nvd'->'V3Score') = 'number'
                     THEN (v.item->'vendor_attributes'->'CVSS'->'nvd'->>'V3Score')::double precision
           END,
           COALESCE(v.item->>'status', ''),
           COALESCE(v.item->>'description', ''),
           CASE WHEN jsonb_typeof(v.item->'links') = 'array'
                     THEN COALESCE((SELECT string_agg(l, '|') FROM jsonb_array_elements_text(v.item->'links') AS l), '')
                ELSE '' END,
           CASE WHEN jsonb_typeof(v.item->'cwe_ids') = 'array'
                     THEN COALESCE((SELECT string_agg(w, ',') FROM jsonb_array_elements_text(v.item->'cwe_ids') AS w), '')
                ELSE '' END,
           v.item->'vendor_attributes'
    FROM scan_report r,
         jsonb_array_elements(CASE WHEN jsonb_typeof(r.report->'vulnerabilities') = 'array'
                                   THEN r.report->'vulnerabilities' ELSE '[]'::jsonb END)
             WITH ORDINALITY AS v(item, ord),
         LATERAL (SELECT CASE WHEN v.item->>'severity' IN ('Critical', 'High', 'Medium', 'Low', 'None')
                              THEN v.item->>'severity' ELSE 'Unknown' END AS severity) s
    WHERE r.uuid = ANY (wanted) AND r.status = 'Success' AND jsonb_typeof(v.item) = 'object';
    UPDATE scan_report r
       SET critical_cnt = c.critical, high_cnt = c.high, medium_cnt = c.medium, low_cnt = c.low,
           none_cnt = c.none, unknown_cnt = c.unknown, fixable_cnt = c.fixable
      FROM (SELECT w.uuid,
                   count(*) FILTER (WHERE v.severity = 'Critical') AS critical,
                   count(*) FILTER (WHERE v.severity = 'High') AS high,
                   count(*) FILTER (WHERE v.severity = 'Medium') AS medium,
                   count(*) FILTER (WHERE v.severity = 'Low') AS low,
                   count(*) FILTER (WHERE v.severity = 'None') AS none,
                   count(*) FILTER (WHERE v.severity = 'Unknown') AS unknown,
                   count(*) FILTER (WHERE v.fix_version <> '') AS fixable
              FROM (SELECT DISTINCT unnest(wanted) AS uuid) w
              LEFT JOIN scan_vulnerability v ON v.report_uuid = w.uuid
             GROUP BY w.uuid) c
     WHERE r.uuid = c.uuid;
$$;

CREATE OR REPLACE FUNCTION scan_report_index(wanted text) RETURNS void LANGUAGE sql AS $$
    SELECT scan_report_index_all(ARRAY[wanted]);
$$;
