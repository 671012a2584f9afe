-- Web pages cited by answers: the latest crawl outcome per URL (or a page read from a WARC file).
CREATE TABLE web_pages (
    site VARCHAR NOT NULL,              -- site partition whose answers cite the page (or whose pool it joined)
    cited BOOLEAN NOT NULL,             -- cited by an answer of this site (else: a pool page from a WARC file)
    url VARCHAR NOT NULL,               -- the URL asked for (normalised, as in cited_urls.url)
    final_url VARCHAR,                  -- the URL that answered, after redirects
    source VARCHAR NOT NULL,            -- 'http' (crawled) or 'warc' (read from a WARC file)
    status INTEGER,                     -- HTTP status of the stored response; NULL when none came
    content_type VARCHAR,               -- media type of the response, e.g. 'text/html'
    fetched_at TIMESTAMPTZ,             -- when the stored content (or the failure) was fetched
    checked_at TIMESTAMPTZ,             -- last time the URL was checked (a 304 refresh moves only this)
    content_hash VARCHAR,               -- SHA-256 of the extracted text, whitespace collapsed; NULL without text
    duplicate_of VARCHAR,               -- url of the first page (by fetch time) with the same content_hash
    title VARCHAR,                      -- <title> of the page
    text VARCHAR,                       -- main text (trafilatura; lxml visible text when it finds none)
    error_kind VARCHAR,                 -- NULL on success; else robots, address_not_allowed, timeout,
                                        -- connection, http_status, too_large, content_type,
                                        -- redirect_loop, too_many_redirects, redirect, invalid_url, internal,
                                        -- not_fetched
    error VARCHAR,                      -- the failure's reason in words
    etag VARCHAR,                       -- ETag of the stored response (for conditional refresh)
    last_modified VARCHAR,              -- Last-Modified of the stored response (for conditional refresh)
    warc_path VARCHAR,                  -- WARC file holding the raw response
    warc_offset BIGINT,                 -- byte offset of its record in that file
    n_bytes BIGINT,                     -- size of the (decoded) response body
    redirects INTEGER,                  -- redirects followed to reach final_url
    PRIMARY KEY (url)
);
