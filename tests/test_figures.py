"""PNG figures outside Dagster: `reasonrank evaluate --plot` and the label distribution."""

from reasonrank_assets import cli, figures

PNG = b"\x89PNG\r\n\x1a\n"


def _files(tmp_path):
    qrels = tmp_path / "qrels.txt"
    qrels.write_text("q1 0 d1 1\nq2 0 d3 1\n")
    good, bad = tmp_path / "good.trec", tmp_path / "bad.trec"
    good.write_text("q1 Q0 d1 1 2.0 good\nq1 Q0 d2 2 1.0 good\nq2 Q0 d3 1 2.0 good\n")
    bad.write_text("q1 Q0 d2 1 2.0 bad\nq1 Q0 d1 2 1.0 bad\nq2 Q0 d4 1 2.0 bad\n")
    return qrels, good, bad


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


def test_the_label_distribution_is_a_png_written_whole(tmp_path):
    rows = [{"site": "a", "label": 1, "parse_status": "forced"}, {"site": "a", "label": 2, "parse_status": "ok"},
            {"site": "b", "label": None, "parse_status": "no_label"}]
    path = figures.label_distribution_png(rows, tmp_path / "labels.png")
    assert path.read_bytes()[:8] == PNG and not list(tmp_path.glob(".*partial"))
