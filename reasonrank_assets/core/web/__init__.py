"""Stage 1, the web: StackExchange dumps, the URLs their answers cite, the crawl, the pages."""
