-- Harbor's tag immutability rules (package policy). A rule makes the tags it selects immutable:
-- they cannot be re-pointed at another manifest or deleted while an enabled rule selects them.
-- Harbor keeps one JSON blob per rule and lets a client send lists of selectors of which it reads
-- only the first; here each rule is exactly one tag selector and one repository selector.
CREATE TABLE immutable_tag_rule (
    id                     bigserial PRIMARY KEY,
    project_id             bigint NOT NULL REFERENCES project (id) ON DELETE CASCADE,
    priority               integer NOT NULL DEFAULT 0,
    disabled               boolean NOT NULL DEFAULT false,
    tag_decoration         text NOT NULL CHECK (tag_decoration IN ('matches', 'excludes')),
    tag_pattern            text NOT NULL CHECK (length(tag_pattern) <= 256),
    repository_decoration  text NOT NULL CHECK (repository_decoration IN ('repoMatches', 'repoExcludes')),
    repository_pattern     text NOT NULL CHECK (length(repository_pattern) <= 256),
    creation_time          timestamptz NOT NULL DEFAULT now(),
    update_time            timestamptz NOT NULL DEFAULT now(),
    -- The same selectors twice in one project is a duplicate (409), enabled or not.
    UNIQUE (project_id, tag_decoration, tag_pattern, repository_decoration, repository_pattern)
);
