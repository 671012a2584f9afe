"""Web data: StackExchange dumps -> questions and the pages their answers cite."""


from pathlib import Path

import dagster as dg

from reasonrank_assets.core.progress import counted, reporter
from reasonrank_assets.core.web import crawl, stackexchange, webpages
from reasonrank_assets.defs.config import config_class
from reasonrank_assets.defs.partitions import FOLLOW, site_partitions
from reasonrank_assets.defs.resources import Project, markdown_preview

GROUP = "web"

QuestionSettingsConfig = config_class(stackexchange.QuestionSettings, "QuestionSettingsConfig")
CrawlSettingsConfig = config_class(crawl.CrawlSettings, "CrawlSettingsConfig")


@dg.asset(partitions_def=site_partitions, group_name=GROUP, kinds={"python", "xml"}, code_version="1")
def stackexchange_posts(context: dg.AssetExecutionContext, project: Project) -> list[dict]:
    """Every post of one site's dump, streamed from `Posts.xml` (or the site's `.7z`), bodies as text."""
    site = context.partition_key
    dumps = stackexchange.find_site_dumps(Path(project.inbox))
    if site not in dumps:
        raise dg.Failure(f"no dump for site {site!r} in inbox {project.inbox}")
    errors: list[dict] = []
    try:
        rows = list(counted(stackexchange.read_posts(dumps[site], site, errors), reporter(f"ingest {site}", "posts", context.log.info)))
    except stackexchange.DumpError as exc:
        raise dg.Failure(str(exc)) from None
    faults = [e for e in errors if e["kind"] == "xml"]
    for error in errors:
        skipped = "to the next row" if error["kind"] == "xml" else "a post"
        context.log.warning(f"skipped {skipped}: {error['file']}, line {error['line']}: {error['error']}")
    context.add_output_metadata({
        "dump": dg.MetadataValue.path(str(dumps[site])), "posts": len(rows), "bad_rows": len(errors) - len(faults),
        "xml_faults": len(faults), "bad_rows_preview": dg.MetadataValue.md(markdown_preview(errors)),
    })
    return rows


@dg.multi_asset(
    outs={
        "questions": dg.AssetOut(
            description="Selected questions; `text` (title + body) is what every model sees.", automation_condition=FOLLOW
        ),
        "cited_urls": dg.AssetOut(
            description="Normalised external URLs cited by the questions' answers.", automation_condition=FOLLOW
        ),
    },
    partitions_def=site_partitions,
    group_name=GROUP,
    code_version="1",
)
def questions_and_cited_urls(stackexchange_posts: list[dict], config: QuestionSettingsConfig):
    questions, cited = stackexchange.select_questions(stackexchange_posts, config.to_settings())
    yield dg.Output(questions, "questions")
    yield dg.Output(cited, "cited_urls")


class WebPagesConfig(dg.Config):
    """Pages come from the project's WARC files first; the rest are crawled when `crawl` is on.
    With `warc_pool`, every page of the WARC files joins the site's pages (uncited), so candidate
    retrieval finds hard negatives among them: right for a small archive, not a Common Crawl segment."""

    crawl: bool = True
    warc_pool: bool = True
    crawler: CrawlSettingsConfig = CrawlSettingsConfig()


@dg.asset(partitions_def=site_partitions, group_name=GROUP, kinds={"python", "warc"}, code_version="1", automation_condition=FOLLOW)
def web_pages(context: dg.AssetExecutionContext, project: Project, cited_urls: list[dict], config: WebPagesConfig) -> list[dict]:
    """The cited pages' extracted text, with status, content hash and the reason for any failure."""
    site = context.partition_key
    cited = {row["url"] for row in cited_urls}
    pages: dict[str, dict] = {}
    faults: list[webpages.WarcError] = []  # records that cannot be read: skipped, counted, named
    for warc in project.warc_files:
        for page in webpages.read_warc_pages(Path(warc), None if config.warc_pool else cited, faults):
            pages.setdefault(page["url"], page)
    for fault in faults:
        context.log.warning(f"skipped WARC record: {fault}")
    from_warc = len(pages)
    missing = sorted(cited - pages.keys())
    if missing and config.crawl:
        store = project.path("crawl", site)
        for page in crawl.crawl(missing, store, config.crawler.to_settings(), reporter(f"crawl {site}", "pages", context.log.info)):
            pages[page["url"]] = page
    for url in missing:
        pages.setdefault(url, {"url": url, "source": "none", "error": "not in any WARC file, and crawling is off"})
    rows = [dict(page, site=site, cited=url in cited) for url, page in sorted(pages.items())]
    failed = sum(row["cited"] and row.get("error") is not None for row in rows)
    context.add_output_metadata({
        "cited": len(cited), "cited_from_warc": len(cited) - len(missing), "crawled": len(missing) if config.crawl else 0,
        "failed": failed, "warc_pages": from_warc, "warc_records_lost": len(faults),
        "warc_files_cut_short": sorted({f.file for f in faults if f.truncated}),
        "warc_faults_preview": dg.MetadataValue.md(
            markdown_preview([{"file": f.file, "offset": f.offset, "error": f.reason} for f in faults])),
    })
    return rows
