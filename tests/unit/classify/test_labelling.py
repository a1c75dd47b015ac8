"""Labelling by reading: sheets out, checked label sheets in (all or nothing), agreement."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pantau.classify import datasets, labelling
from pantau.classify.corpus import LABEL_COLUMNS
from pantau.cli.main import app
from pantau.errors import InputRejected

# Texts written for this test, in the shape of the Pilkada DKI 2017 file (Id, Sentiment,
# Pasangan Calon, Text Tweet).
ROWS = {
    "1": "Ayo coblos nomor 3 besok, Jakarta butuh pemimpin baru #AniesSandi",
    "2": "Jadwal debat putaran kedua malam ini di televisi",
    "3": "Macet parah di Sudirman pagi ini, sabar ya semua",
    "4": "Jangan pilih yang suka marah2 di pilkada besok, pilih yang santun",
    "5": "Makan siang soto betawi dulu sebelum rapat",
}


def _datasets(tmp_path: Path) -> Path:
    folder = tmp_path / "datasets" / "pilkada_dki2017"
    folder.mkdir(parents=True)
    with (folder / "dataset_tweet_sentiment_pilkada_DKI_2017.csv").open(
        "w", encoding="utf-8-sig", newline=""
    ) as fh:
        writer = csv.writer(fh)
        writer.writerow(["Id", "Sentiment", "Pasangan Calon", "Text Tweet"])
        for row_id, text in ROWS.items():
            writer.writerow([row_id, "positive", "Anies-Sandi", text])
    return tmp_path / "datasets"


def _sheet(path: Path, lines: list[str]) -> Path:
    path.write_text("row_id\tlabel\ttargets\tnote\n" + "".join(f"{x}\n" for x in lines), "utf-8")
    return path


def test_sheet_rows_order_is_fixed_and_filters_apply(tmp_path: Path) -> None:
    ddir = _datasets(tmp_path)
    everything = labelling.sheet_rows("pilkada_dki2017", datasets_dir=ddir)
    assert sorted(r.row_id for r in everything) == sorted(ROWS)
    again = labelling.sheet_rows("pilkada_dki2017", datasets_dir=ddir)
    assert [r.row_id for r in again] == [r.row_id for r in everything]
    other_seed = labelling.sheet_rows("pilkada_dki2017", datasets_dir=ddir, seed=99)
    assert [r.row_id for r in other_seed] != [r.row_id for r in everything]
    political = labelling.sheet_rows("pilkada_dki2017", datasets_dir=ddir, political_only=True)
    # only rows with a political term: 1 (coblos) and 4 (pilkada); "debat" is not one.
    assert sorted(r.row_id for r in political) == ["1", "4"]
    rest = labelling.sheet_rows("pilkada_dki2017", datasets_dir=ddir, exclude={"1", "2"}, n=2)
    assert len(rest) == 2 and not {r.row_id for r in rest} & {"1", "2"}
    only = labelling.sheet_rows("pilkada_dki2017", datasets_dir=ddir, only={"3"})
    assert [r.row_id for r in only] == ["3"]


def test_write_sheet_is_row_id_tab_text(tmp_path: Path) -> None:
    rows = labelling.sheet_rows("pilkada_dki2017", datasets_dir=_datasets(tmp_path), only={"2"})
    out = tmp_path / "read.tsv"
    labelling.write_sheet(rows, out)
    assert out.read_text("utf-8").splitlines() == ["row_id\ttext", f"2\t{ROWS['2']}"]


def test_read_sheet_reports_every_bad_row(tmp_path: Path) -> None:
    sheet = _sheet(
        tmp_path / "s.tsv",
        [
            "1\tsupport\tanies-sandi\tcoblos 3",
            "2\tpositive\t\t",
            "3\tunrelated\tnobody-key\t",
            "1\tneutral\t\t",
        ],
    )
    with pytest.raises(InputRejected) as info:
        labelling.read_sheet(sheet)
    problems = {(p.row, p.column, p.value) for p in info.value.errors}
    assert problems == {(3, "label", "positive"), (4, "targets", "nobody-key"), (5, "row_id", "1")}
    assert all(p.file == str(sheet) for p in info.value.errors)


def test_read_sheet_needs_the_header(tmp_path: Path) -> None:
    sheet = tmp_path / "s.tsv"
    sheet.write_text("1\tsupport\t\t\n", "utf-8")
    with pytest.raises(InputRejected, match="first line must be row_id"):
        labelling.read_sheet(sheet)


def test_merge_appends_with_hashes_and_refuses_relabelling(tmp_path: Path) -> None:
    ddir = _datasets(tmp_path)
    labels = tmp_path / "labels"
    sheet = _sheet(
        tmp_path / "a.tsv",
        ["1\tsupport\tanies-sandi\tcoblos 3", "3\tunrelated\t\t", "4\toppose\t\tno target"],
    )
    n = labelling.merge_sheet(
        "pilkada_dki2017", sheet, labeller="test reader", datasets_dir=ddir, labels_dir=labels
    )
    assert n == 3
    path = labels / "pilkada_dki2017.csv"
    with path.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert tuple(rows[0]) == LABEL_COLUMNS
    assert [(r["row_id"], r["label"], r["targets"]) for r in rows] == [
        ("1", "support", "anies-sandi"),
        ("3", "unrelated", ""),
        ("4", "oppose", ""),
    ]
    assert rows[0]["text_sha256"] == datasets.text_sha256(ROWS["1"])
    assert {r["labeller"] for r in rows} == {"test reader"}
    before = path.read_bytes()

    again = _sheet(tmp_path / "b.tsv", ["2\tneutral\t\t", "1\tneutral\t\t"])
    with pytest.raises(InputRejected) as info:
        labelling.merge_sheet(
            "pilkada_dki2017", again, labeller="r2", datasets_dir=ddir, labels_dir=labels
        )
    assert [(p.row, p.column, p.value) for p in info.value.errors] == [(3, "row_id", "1")]
    assert path.read_bytes() == before  # row 2 was fine, but nothing is written

    labelling.merge_sheet(
        "pilkada_dki2017",
        again,
        labeller="adjudicator",
        datasets_dir=ddir,
        labels_dir=labels,
        allow_relabel=True,
    )
    final = labelling.label_map(path)
    assert final == {"1": "neutral", "3": "unrelated", "4": "oppose", "2": "neutral"}


def test_merge_rejects_unknown_rows_and_nameless_labellers(tmp_path: Path) -> None:
    ddir = _datasets(tmp_path)
    labels = tmp_path / "labels"
    # a blank line, a bad label and a row the dataset lacks: every problem, at its own line
    sheet = _sheet(tmp_path / "a.tsv", ["1\tsupport\t\t", "", "2\tpro\t\t", "999\tneutral\t\t"])
    with pytest.raises(InputRejected) as info:
        labelling.merge_sheet(
            "pilkada_dki2017", sheet, labeller="r", datasets_dir=ddir, labels_dir=labels
        )
    assert [(p.row, p.column, p.value) for p in info.value.errors] == [
        (4, "label", "pro"),
        (5, "row_id", "999"),
    ]
    assert not (labels / "pilkada_dki2017.csv").exists()
    with pytest.raises(InputRejected, match="labeller"):
        labelling.merge_sheet(
            "pilkada_dki2017", sheet, labeller=" ", datasets_dir=ddir, labels_dir=labels
        )


def test_cohen_kappa_by_hand() -> None:
    # observed 3/4; chance: support .5*.25 + oppose .5*.75 = .5 -> (0.75-0.5)/(1-0.5)
    a = ["support", "support", "oppose", "oppose"]
    b = ["support", "oppose", "oppose", "oppose"]
    assert labelling.cohen_kappa(a, b) == pytest.approx(0.5)
    assert labelling.cohen_kappa(a, a) == pytest.approx(1.0)
    # systematic disagreement is worse than chance
    assert labelling.cohen_kappa(["x", "y"], ["y", "x"]) == pytest.approx(-1.0)
    assert labelling.cohen_kappa(["x", "x"], ["x", "x"]) == 1.0
    with pytest.raises(ValueError, match="2 labels against 1"):
        labelling.cohen_kappa(["x", "y"], ["x"])


def test_agreement_counts_common_rows_only() -> None:
    first = {"1": "support", "2": "neutral", "3": "oppose", "4": "unrelated", "9": "support"}
    second = {"1": "support", "2": "support", "3": "neutral", "4": "unrelated", "8": "oppose"}
    result = labelling.agreement(first, second)
    assert result.n == 4
    assert result.agreement == pytest.approx(0.5)
    # flags: 1 T/T, 2 F/T, 3 T/F, 4 F/F -> agreement 0.5, kappa 0
    assert result.partisan_agreement == pytest.approx(0.5)
    assert result.partisan_kappa == pytest.approx(0.0)
    assert result.confusion["neutral"]["support"] == 1
    assert result.confusion["oppose"]["neutral"] == 1
    assert sum(sum(row.values()) for row in result.confusion.values()) == 4


def test_cli_round_trip(tmp_path: Path) -> None:
    ddir = _datasets(tmp_path)
    labels = tmp_path / "labels"
    runner = CliRunner()
    common = ["--datasets", str(ddir), "--labels-dir", str(labels)]
    out = tmp_path / "read.tsv"
    result = runner.invoke(
        app, ["model", "labels", "sheet", "pilkada_dki2017", "--out", str(out), *common]
    )
    assert result.exit_code == 0, result.output
    assert "5 rows of pilkada_dki2017" in result.output
    read = [line.split("\t")[0] for line in out.read_text("utf-8").splitlines()[1:]]
    labels_first = {"1": "support", "2": "neutral", "3": "unrelated", "4": "oppose"}
    labels_first["5"] = "unrelated"
    sheet = _sheet(tmp_path / "l.tsv", [f"{i}\t{labels_first[i]}\t\t" for i in read])
    result = runner.invoke(
        app,
        ["model", "labels", "merge", "pilkada_dki2017", str(sheet), "--labeller", "r1", *common],
    )
    assert result.exit_code == 0, result.output
    result = runner.invoke(
        app, ["model", "labels", "sheet", "pilkada_dki2017", "--out", str(out), *common]
    )
    assert "0 rows" in result.output  # every row has a first reading now
    result = runner.invoke(
        app,
        ["model", "labels", "sheet", "pilkada_dki2017", "--second", "--out", str(out), *common],
    )
    assert "5 rows" in result.output
    second = dict(labels_first, **{"2": "support"})  # one disagreement
    sheet2 = _sheet(tmp_path / "l2.tsv", [f"{i}\t{v}\t\t" for i, v in second.items()])
    result = runner.invoke(
        app,
        [
            "model",
            "labels",
            "merge",
            "pilkada_dki2017",
            str(sheet2),
            "--labeller",
            "r2",
            "--second",
            *common,
        ],
    )
    assert result.exit_code == 0, result.output
    assert (labels / "second" / "pilkada_dki2017.csv").is_file()
    result = runner.invoke(
        app, ["model", "labels", "agreement", "pilkada_dki2017", "--labels-dir", str(labels)]
    )
    assert result.exit_code == 0, result.output
    assert "5 rows read twice: agreement 0.800" in result.output
    bad = _sheet(tmp_path / "bad.tsv", ["1\tmaybe\t\t"])
    result = runner.invoke(
        app, ["model", "labels", "merge", "pilkada_dki2017", str(bad), "--labeller", "x", *common]
    )
    assert result.exit_code != 0
    assert "maybe" in result.output


@pytest.mark.parametrize("dataset", ["pilpres2019_tweet", "falsenews_pilpres2019", "ibrohim2019"])
def test_reviewed_training_labels_differ_from_the_first_reading_only_where_reviewed(
    dataset: str,
) -> None:
    """The review (data/labels/reviewed/, not trained on) re-read only the first reading's
    support/oppose rows; every changed row says who changed it and why."""
    from pantau.classify.corpus import LABELS_DIR, read_label_file

    final = {r["row_id"]: r for r in read_label_file(LABELS_DIR / "reviewed" / f"{dataset}.csv")}
    first = {r["row_id"]: r for r in read_label_file(LABELS_DIR / f"{dataset}.csv")}
    assert final.keys() == first.keys()
    changed = [k for k in final if final[k]["label"] != first[k]["label"]]
    assert changed  # the review changed some
    for key in changed:
        assert first[key]["label"] in ("support", "oppose"), key
        assert final[key]["labeller"].startswith("llm:claude reviewer"), key
        assert final[key]["note"].startswith("rev:"), key
        assert final[key]["text_sha256"] == first[key]["text_sha256"]
    kept = [k for k in final if k not in changed]
    assert all(final[k] == first[k] for k in kept)
