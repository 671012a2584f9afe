"""PNG figures outside Dagster (`reasonrank evaluate --plot`, the label distribution) and the score
table `benchmark_scores` shows in the UI."""

import pytest

from reasonrank_assets import cli, figures

PNG = b"\x89PNG\r\n\x1a\n"


def _files(tmp_path):
    qrels = tmp_path / "qrels.txt"
    qrels.write_text("q1 0 d1 1\nq2 0 d3 1\n")
    good, bad = tmp_path / "good.trec", tmp_path / "bad.trec"
    good.write_text("q1 Q0 d1 1 2.0 good\nq1 Q0 d2 2 1.0 good\nq2 Q0 d3 1 2.0 good\n")
    bad.write_text("q1 Q0 d2 1 2.0 bad\nq1 Q0 d1 2 1.0 bad\nq2 Q0 d4 1 2.0 bad\n")
    return qrels, good, bad


@pytest.mark.slow
def test_evaluate_writes_the_chart_it_prints(tmp_path, capsys):
    qrels, good, bad = _files(tmp_path)
    chart = tmp_path / "out" / "scores.png"
    assert cli.main(["evaluate", "--run", str(good), "--baseline", str(bad), "--qrels", str(qrels), "--plot", str(chart)]) == 0
    assert chart.read_bytes()[:8] == PNG
    assert f"chart -> {chart}" in capsys.readouterr().err


def test_a_plot_without_the_headline_measure_is_one_clear_line(tmp_path, capsys):
    qrels, good, _ = _files(tmp_path)
    code = cli.main(["evaluate", "--run", str(good), "--qrels", str(qrels), "--measures", "R@100", "--plot", str(tmp_path / "x.png")])
    assert code == 2 and "--plot draws nDCG@10" in capsys.readouterr().err
    assert not (tmp_path / "x.png").exists()


@pytest.mark.slow  # 3 s: matplotlib
def test_the_label_distribution_is_a_png_written_whole(tmp_path):
    rows = [{"site": "a", "label": 1, "parse_status": "forced"}, {"site": "a", "label": 2, "parse_status": "ok"},
            {"site": "b", "label": None, "parse_status": "no_label"}]
    path = figures.label_distribution_png(rows, tmp_path / "labels.png")
    assert path.read_bytes()[:8] == PNG and not list(tmp_path.glob(".*partial"))


def test_the_score_table_rounds_and_leaves_an_untestable_p_empty(tmp_path):
    import json

    from reasonrank_assets.defs.evaluation import score_metadata

    row = {"benchmark": "b", "domain": "d", "measure": "nDCG@10", "reference": False}
    rows = [dict(row, system="bm25", value=50.123456, p_value_vs_first_stage=None),
            dict(row, system="student", value=55.98765, p_value_vs_first_stage=0.0123456789),
            dict(row, domain="one-query", system="student", value=40.0, p_value_vs_first_stage=float("nan"))]
    chart = figures.score_chart(rows, tmp_path / "chart.png")
    records = [r.data for r in score_metadata(rows, chart)["scores"].value.records]
    assert [(r["nDCG@10"], r["p vs first stage"]) for r in records] == [(50.12, None), (55.99, 0.0123), (40.0, None)]
    json.dumps(records, allow_nan=False)  # the UI parses each record as JSON: NaN would not load
