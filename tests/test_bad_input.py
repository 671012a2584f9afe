"""Bad input fails one item, with an error that names it; the rest of the run goes on."""

import gzip
import logging
import re
import shutil
import zlib

import dagster as dg
import pytest

from reasonrank_assets.core import embedded
from reasonrank_assets.core.warehouse import Warehouse
from reasonrank_assets.core.web.stackexchange import QuestionSettings, read_posts, select_questions
from reasonrank_assets.defs import data
from reasonrank_assets.defs.partitions import site_partitions
from reasonrank_assets.defs.resources import Project, WarehouseIOManager

GOOD = "homebrew.stackexchange.com"
BROKEN = "broken.stackexchange.com"


@pytest.mark.slow
def test_a_broken_dump_fails_its_site_only_and_bad_rows_are_skipped(tmp_path):
    inbox = tmp_path / "inbox"
    shutil.copytree(embedded.STACKEXCHANGE_DIR / GOOD, inbox / GOOD)
    posts = (inbox / GOOD / "Posts.xml").read_text(encoding="utf-8-sig")
    # one row with a non-numeric Id: skipped and recorded, the site still materializes
    posts = posts.replace("<posts>", '<posts>\n  <row Id="x1" PostTypeId="1" Score="1" Body="" Title="bad" />', 1)
    # one stray `<` and one bad byte further on: the rows around them are kept, the faults counted
    lines = posts.split("\n")
    lines.insert(20, '  <row Id="9001" PostTypeId="1" Score="5" Body="a <b> c" Title="stray" />')
    lines.insert(40, '  <row Id="9002" PostTypeId="1" Score="5" Body="caf\udce9" Title="bad byte" />')
    (inbox / GOOD / "Posts.xml").write_bytes("\n".join(lines).encode("utf-8", "surrogateescape"))
    (inbox / BROKEN).mkdir()
    (inbox / BROKEN / "Posts.xml").write_text('<?xml version="1.0"?>\n<posts>\n  <row Id="1" PostTypeId="1"\n', encoding="utf-8")

    home = str(tmp_path / "home")
    resources = {"io_manager": WarehouseIOManager(home=home), "project": Project(home=home, inbox=str(inbox))}
    instance = dg.DagsterInstance.ephemeral()
    instance.add_dynamic_partitions(site_partitions.name, [GOOD, BROKEN])
    assets = [data.stackexchange_posts, data.questions_and_cited_urls]

    broken = dg.materialize(assets, partition_key=BROKEN, resources=resources, instance=instance, raise_on_error=False)
    assert not broken.success
    failure = next(e for e in broken.all_events if e.is_step_failure)
    message = failure.step_failure_data.error.to_string()
    assert "Posts.xml" in message and "line" in message

    good = dg.materialize(assets, partition_key=GOOD, resources=resources, instance=instance)
    assert good.success
    posts_event = good.asset_materializations_for_node("stackexchange_posts")[0]
    assert posts_event.metadata["bad_rows"].value == 1 and posts_event.metadata["xml_faults"].value == 2
    clean = list(read_posts(embedded.STACKEXCHANGE_DIR / GOOD / "Posts.xml", GOOD))
    assert posts_event.metadata["posts"].value == len(clean)  # nothing lost around the faults
    warnings = [e.user_message for e in instance.all_logs(good.run_id) if e.level == logging.WARNING]
    assert sum(f"{inbox / GOOD / 'Posts.xml'}, line 21: not well-formed XML" in w for w in warnings) == 1
    assert sum(f"{inbox / GOOD / 'Posts.xml'}, line 41: not well-formed XML" in w for w in warnings) == 1
    warehouse = Warehouse(tmp_path / "home" / "warehouse")
    assert warehouse.partitions("questions") == [GOOD]
    assert len(warehouse.read("questions")) == len(select_questions(clean, QuestionSettings())[0])


def _gzip_members(data: bytes) -> list[bytes]:
    members = []
    while data:
        inflate = zlib.decompressobj(wbits=31)
        inflate.decompress(data)
        members.append(data[: len(data) - len(inflate.unused_data)])
        data = inflate.unused_data
    return members


@pytest.mark.slow
def test_a_cut_or_damaged_warc_loses_only_its_bad_records_and_says_so(tmp_path):
    members = _gzip_members(embedded.WARC_PATH.read_bytes())
    cut = tmp_path / "cut.warc.gz"  # cut in half, inside a member
    cut_at = sum(map(len, members)) // 2
    cut.write_bytes(b"".join(members)[:cut_at])
    torn = next(i for i in range(len(members)) if sum(map(len, members[: i + 1])) > cut_at)
    damaged = tmp_path / "damaged.warc.gz"  # one response in the second half says `2x0`
    cited = {c["url"] for c in select_questions(read_posts(embedded.STACKEXCHANGE_DIR / GOOD / "Posts.xml", GOOD),
                                                   QuestionSettings())[1]}

    def target(member: bytes) -> str:
        found = re.search(rb"WARC-Type: response.*?WARC-Target-URI: (\S+)", gzip.decompress(member), re.S)
        return found.group(1).decode() if found else ""

    bad = next(i for i in range(torn + 1, len(members)) if target(members[i]) in cited)
    lost_url = target(members[bad])
    members[bad] = gzip.compress(gzip.decompress(members[bad]).replace(b"HTTP/1.1 200", b"HTTP/1.1 2x0", 1))
    damaged.write_bytes(b"".join(members))

    home = str(tmp_path / "home")
    before_cut = sum(b"HTTP/1.1 200" in gzip.decompress(m) for m in members[:torn])  # every page is a 200
    for warc_files, pages, lost in [([cut], before_cut, 1), ([cut, damaged], 102, 2)]:
        resources = {"io_manager": WarehouseIOManager(home=home),
                     "project": Project(home=home, warc_files=[str(w) for w in warc_files])}
        instance = dg.DagsterInstance.ephemeral()
        instance.add_dynamic_partitions(site_partitions.name, [GOOD])
        result = dg.materialize([data.stackexchange_posts, data.questions_and_cited_urls, data.web_pages],
                                partition_key=GOOD, resources=resources, instance=instance,
                                run_config={"ops": {"web_pages": {"config": {"crawl": False}}}})
        meta = result.asset_materializations_for_node("web_pages")[0].metadata
        assert (meta["warc_pages"].value, meta["warc_records_lost"].value) == (pages, lost)
        assert meta["warc_files_cut_short"].value == [str(cut)]
        warnings = [e.user_message for e in instance.all_logs(result.run_id) if e.level == logging.WARNING]
        offsets = [sum(map(len, members[:i])) for i in (torn, bad)][:lost]
        for warc, offset in zip(warc_files, offsets):  # one line each, naming the file and the offset
            assert sum(f"skipped WARC record: {warc}, byte {offset}: " in w for w in warnings) == 1
    rows = {r["url"]: r for r in Warehouse(tmp_path / "home" / "warehouse").read("web_pages")}
    assert sum(r["source"] == "warc" for r in rows.values()) == 102
    assert rows[lost_url]["source"] == "none" and rows[lost_url]["text"] is None  # marked missing, not made up
