-- Proxy cache (issue 17): replicas sharing one database fetch an uncached blob once. The replica
-- that fetches holds a lease row for the blob (by repository and digest), renewed while the fetch
-- runs and deleted when it ends; another replica that misses the same blob waits for it to be
-- stored instead of asking the upstream. A replica that dies mid-fetch stops renewing: once
-- expires_at has passed, the next replica that misses the blob takes the lease over and fetches.
CREATE TABLE proxy_fetch_lease (
    fetch_key text PRIMARY KEY,
    holder text NOT NULL,
    expires_at timestamptz NOT NULL
);
