-- The built-in scanner becomes a registration row like any adapter's, so it is listed, paged,
-- filtered and chosen per project (project_scanner references it) the way Harbor handles the
-- Trivy it installs. immutable is Harbor's column of the same name: such a registration cannot be
-- edited or deleted. The row is stored with is_default false: it is the default while no adapter
-- is and berth.scan.builtin-default is on (that setting also hides it), which Java decides.
ALTER TABLE scanner_registration ADD COLUMN immutable boolean NOT NULL DEFAULT false;

-- An adapter registered under the built-in scanner's name keeps its row under another name.
UPDATE scanner_registration SET name = name || ' (adapter ' || uuid || ')' WHERE name = 'Berth built-in';

INSERT INTO scanner_registration (uuid, name, description, url, immutable, create_time, update_time)
VALUES ('berth-builtin', 'Berth built-in',
        'Scans images in process: catalogues their packages from the layers (OS packages, Java, npm,'
            || ' Python, Go, Rust, Ruby), writes CycloneDX and SPDX SBOMs, and matches them against'
            || ' the vulnerability database when one is loaded.',
        'builtin://berth', true, now(), now());
