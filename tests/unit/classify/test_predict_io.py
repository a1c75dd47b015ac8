"""``pantau model predict`` input and output formats: TSV, JSONL, bad rows."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pantau.classify.predict import Suggestion
from pantau.classify.predict_io import InputRow, read_inputs, write_outputs
from pantau.errors import InputRejected


def test_tsv_with_id_and_text(tmp_path: Path) -> None:
    path = tmp_path / "in.tsv"
    path.write_text("id\ttext\textra\nA1\tcoblos 02!\tx\n\nA2\t\ty\n", encoding="utf-8")
    assert read_inputs(path) == [InputRow(2, "A1", "coblos 02!"), InputRow(4, "A2", "")]


def test_jsonl_keeps_unicode_and_optional_id(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    rows = [{"text": "Salam 3 jari 🤟", "id": 7}, {"text": "libur"}]
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n")
    assert read_inputs(path) == [InputRow(1, "7", "Salam 3 jari 🤟"), InputRow(2, None, "libur")]


def test_format_sniffed_without_suffix(tmp_path: Path) -> None:
    path = tmp_path / "posts"
    path.write_text('{"text": "a"}\n')
    assert read_inputs(path) == [InputRow(1, None, "a")]


def test_bad_jsonl_rows_are_all_reported(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    path.write_text('{"text": "ok"}\n{"text": 5}\nnot json\n{"id": 1}\n[1]\n')
    with pytest.raises(InputRejected) as info:
        read_inputs(path)
    rows = [(e.row, e.column) for e in info.value.errors]
    assert rows == [(2, "text"), (3, "(json)"), (4, "text"), (5, "(json)")]
    assert f"{path}:2: column 'text'" in str(info.value)
    assert "must be a string, not int" in str(info.value)
    assert "missing" in str(info.value)


def test_tsv_without_text_column(tmp_path: Path) -> None:
    path = tmp_path / "in.tsv"
    path.write_text("id\tbody\n1\thalo\n")
    with pytest.raises(InputRejected, match="row 1: no 'text' column"):
        read_inputs(path)


def test_tsv_row_with_wrong_field_count(tmp_path: Path) -> None:
    path = tmp_path / "in.tsv"
    path.write_text("id\ttext\n1\thalo\n2\thalo\textra\n")
    with pytest.raises(InputRejected) as info:
        read_inputs(path)
    [error] = info.value.errors
    assert (error.file, error.row, error.reason) == (str(path), 3, "3 fields, the header has 2")


def test_missing_and_non_utf8_files(tmp_path: Path) -> None:
    with pytest.raises(InputRejected, match="input file not found"):
        read_inputs(tmp_path / "nope.tsv")
    path = tmp_path / "latin.tsv"
    path.write_bytes("text\ncaf\xe9\n".encode("latin-1"))
    with pytest.raises(InputRejected, match="not UTF-8"):
        read_inputs(path)


def test_output_lines(tmp_path: Path) -> None:
    out = tmp_path / "sub" / "out.jsonl"
    rows = [InputRow(2, "A1", "pilih 02 🙏"), InputRow(3, None, "libur")]
    probs = {"support": 0.7, "oppose": 0.1, "neutral": 0.1, "unrelated": 0.1}
    suggestions = [
        Suggestion("support", 0.7, probs, ("prabowo-gibran",)),
        Suggestion("unrelated", 0.1, probs, ()),
    ]
    write_outputs(out, rows, suggestions)
    lines = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert lines[0] == {
        "row": 2,
        "id": "A1",
        "text": "pilih 02 🙏",
        "label": "support",
        "score": 0.7,
        "probs": probs,
        "targets": ["prabowo-gibran"],
    }
    assert "id" not in lines[1] and lines[1]["targets"] == []
    assert [p.name for p in out.parent.iterdir()] == ["out.jsonl"]  # no temp file left


def test_cli_predict_without_a_model_fails_clearly(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from pantau.cli.main import app

    src = tmp_path / "in.jsonl"
    src.write_text('{"text": "halo"}\n')
    result = CliRunner().invoke(
        app,
        [
            "model",
            "predict",
            "--input",
            str(src),
            "--output",
            str(tmp_path / "o.jsonl"),
            "--model",
            str(tmp_path / "nomodel"),
        ],
    )
    assert result.exit_code == 1
    assert "not a trained model folder" in result.output
    assert not (tmp_path / "o.jsonl").exists()


def test_cli_refuses_an_unknown_int8_engine_before_loading_a_model(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from pantau.cli.main import app

    src = tmp_path / "in.jsonl"
    src.write_text('{"text": "halo"}\n')
    args = ["model", "predict", "--input", str(src), "--output", str(tmp_path / "o.jsonl")]
    args += ["--model", str(tmp_path / "nomodel")]
    refused = CliRunner().invoke(app, [*args, "--int8-engine", "tensorrt"])
    assert refused.exit_code == 2
    assert "'tensorrt' is not one of" in refused.output
    assert "not a trained model folder" not in refused.output  # never got as far as the model
    known = CliRunner().invoke(app, [*args, "--int8-engine", "onnxruntime"])
    assert known.exit_code == 1 and "not a trained model folder" in known.output
    assert not (tmp_path / "o.jsonl").exists()
