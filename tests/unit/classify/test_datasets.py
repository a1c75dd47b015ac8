"""Public dataset loaders: normalisation, readers, hashes, download, unrelated selection."""

from __future__ import annotations

import csv
import hashlib
import io
from pathlib import Path

import pytest

from pantau.classify import datasets, unrelated
from pantau.classify.datasets import normalise_text, repair_mojibake
from pantau.errors import InputRejected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("RT USER: USER siapa", "RT @USER: @USER siapa"),
        ("[USERNAME] [USERNAME] Dari pertama", "@USER @USER Dari pertama"),
        ("halo @budi_77 dan <USERNAME>", "halo @USER dan @USER"),
        ("kata @prabowo dan @Jokowi", "kata @prabowo dan @Jokowi"),
        ("cek https://t.co/abc?x=1 dan pic.twitter.com/Zp5", "cek HTTPURL dan HTTPURL"),
        ("lihat URL ini", "lihat HTTPURL ini"),
        ("baris satu\\nbaris   dua ", "baris satu baris dua"),
        ("USERNAME_x tetap", "USERNAME_x tetap"),
    ],
)
def test_normalise_text_gives_one_token_for_users_and_links(raw: str, expected: str) -> None:
    assert normalise_text(raw) == expected


def test_mojibake_is_repaired_and_clean_text_left_alone() -> None:
    assert repair_mojibake("Berita ini ðŸ‘‡ pasti") == "Berita ini 👇 pasti"
    assert repair_mojibake("Ya â€¦") == "Ya …"
    assert repair_mojibake("Harga naik 👇 Â«biasa»") == "Harga naik 👇 Â«biasa»"
    assert repair_mojibake("tanpa masalah") == "tanpa masalah"


def _write(path: Path, text: str, encoding: str = "utf-8") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode(encoding))


def test_pilpres_reader_handles_wrapped_and_plain_lines(tmp_path: Path) -> None:
    # Shaped like the 2019 file: most rows are one quoted field, some are plain CSV.
    inner = io.StringIO()
    csv.writer(inner, lineterminator="").writerow(["0", "negatif", "Kata @pakde, ini ðŸ‘‡ hoax"])
    wrapped = io.StringIO()
    csv.writer(wrapped, lineterminator="\r\n").writerow([inner.getvalue()])
    body = "No,sentimen,tweet\r\n" + wrapped.getvalue() + '1,positif,"Ayo coblos, 01!"\r\n'
    _write(tmp_path / "pilpres2019_tweet" / "tweet.csv", body)
    rows = list(datasets.SOURCES["pilpres2019_tweet"].reader(tmp_path / "pilpres2019_tweet"))
    assert [(r.row_id, r.text, r.meta["sentiment"]) for r in rows] == [
        ("0", "Kata @USER, ini 👇 hoax", "negatif"),
        ("1", "Ayo coblos, 01!", "positif"),
    ]


def test_falsenews_and_smsa_readers_give_split_prefixed_ids(tmp_path: Path) -> None:
    header = "index\ttopic\ttweets\tdate\tusername\tlikes\tretweets\treplies\thashtags\tclass\n"
    for part, text in (("train", 'Ayo "pilih" @siapa'), ("test", "Cek fakta")):
        _write(
            tmp_path / "falsenews_pilpres2019" / f"indonesian_falsenews_{part}data.txt",
            header + f"0\tT\t{text}\t2019-01-01\tacc\t0\t0\t0\t\tOther\n",
        )
    rows = list(
        datasets.SOURCES["falsenews_pilpres2019"].reader(tmp_path / "falsenews_pilpres2019")
    )
    assert [(r.row_id, r.text) for r in rows] == [
        ("train:0", 'Ayo "pilih" @USER'),
        ("test:0", "Cek fakta"),
    ]
    for part in ("train", "valid", "test"):
        _write(tmp_path / "indonlu_smsa" / f"{part}_preprocess.tsv", f"teks {part} .\tpositive\n")
    smsa = list(datasets.SOURCES["indonlu_smsa"].reader(tmp_path / "indonlu_smsa"))
    assert [(r.row_id, r.text, r.meta["label"]) for r in smsa] == [
        ("train:0", "teks train .", "positive"),
        ("valid:0", "teks valid .", "positive"),
        ("test:0", "teks test .", "positive"),
    ]


def test_indolem_reader_numbers_rows_per_fold_file(tmp_path: Path) -> None:
    for part, text in (("train0", "Kamar bersih, https://x.co/a"), ("dev0", "@budi mantap")):
        _write(tmp_path / "indolem_sentiment" / f"{part}.csv", f'sentence,sentiment\n"{text}",1\n')
    _write(tmp_path / "indolem_sentiment" / "test0.csv", "sentence,sentiment\nsepi,0\nramai,1\n")
    rows = list(datasets.SOURCES["indolem_sentiment"].reader(tmp_path / "indolem_sentiment"))
    assert [(r.row_id, r.text, r.meta["sentiment"]) for r in rows] == [
        ("train0:0", "Kamar bersih, HTTPURL", "1"),
        ("dev0:0", "@USER mantap", "1"),
        ("test0:0", "sepi", "0"),
        ("test0:1", "ramai", "1"),
    ]


def test_verify_reports_missing_and_changed_files(tmp_path: Path) -> None:
    _write(tmp_path / "netifier" / "raw_train.csv", "original_text,source\n")
    with pytest.raises(InputRejected) as err:
        datasets.verify("netifier", datasets_dir=tmp_path)
    problems = {(e.column, e.reason.split(" ")[0]) for e in err.value.errors}
    assert problems == {("sha256", "expected"), ("file", "missing")}
    with pytest.raises(InputRejected, match="unknown dataset 'nope'"):
        datasets.load_rows("nope", datasets_dir=tmp_path)


class _Response(io.BytesIO):
    def __enter__(self) -> _Response:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def test_download_keeps_a_file_only_when_its_hash_matches(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    payload = b"Id,Sentiment,Pasangan Calon,Text Tweet\n1,positive,X,halo\n"
    spec = datasets.DataFile("data.csv", "https://example.invalid/data.csv", "0" * 64)
    source = datasets.Source("toy", (spec,), "test", datasets.SOURCES["pilkada_dki2017"].reader)
    monkeypatch.setitem(datasets.SOURCES, "toy", source)
    monkeypatch.setattr(datasets.urllib.request, "urlopen", lambda url, timeout: _Response(payload))
    with pytest.raises(InputRejected, match="expected 0000"):
        datasets.download("toy", datasets_dir=tmp_path)
    assert list((tmp_path / "toy").iterdir()) == []
    good = datasets.DataFile("data.csv", spec.url, hashlib.sha256(payload).hexdigest())
    monkeypatch.setitem(
        datasets.SOURCES, "toy", datasets.Source("toy", (good,), "t", source.reader)
    )
    folder = datasets.download("toy", datasets_dir=tmp_path)
    assert (folder / "data.csv").read_bytes() == payload


def test_every_source_points_at_a_pinned_https_url() -> None:
    for source in datasets.SOURCES.values():
        for spec in source.files:
            assert spec.url.startswith("https://raw.githubusercontent.com/")
            assert len(spec.sha256) == 64
            assert any(len(part) == 40 for part in spec.url.split("/"))  # a commit, not a branch


def test_political_filter_keeps_political_rows_out() -> None:
    assert unrelated.is_political("mohon ulama lurus dan k212 mmbri hujjah partai apa")
    assert unrelated.is_political("Jokowi dua periode")
    assert unrelated.is_political("ayo ke TPS")
    assert not unrelated.is_political("warung ini enak , harga terjangkau")
    assert not unrelated.is_political("aamiin semoga lekas sembuh")


# --- against the real shared copies ------------------------------------------------------------

EXPECTED_ROWS = {
    "pilkada_dki2017": 900,
    "pilpres2019_tweet": 1815,
    "falsenews_pilpres2019": 8785,
    "ibrohim2019": 13169,
    "indonlu_smsa": 12760,
    "indonlu_emot": 4401,
    "netifier": 7773,
    "indolem_sentiment": 5048,
}


@pytest.mark.slow
def test_shared_copies_match_their_hashes_and_row_counts(shared_dir: Path) -> None:
    ddir = shared_dir / "datasets"
    for name, expected in EXPECTED_ROWS.items():
        rows = datasets.load_rows(name, datasets_dir=ddir, check=True)
        assert len(rows) == expected, name
        assert len({r.row_id for r in rows}) == expected, name
        assert all(r.text for r in rows if name != "falsenews_pilpres2019"), name


def test_unrelated_rows_are_non_political_and_deterministic(shared_dir: Path) -> None:
    ddir = shared_dir / "datasets"
    first = unrelated.select_unrelated(datasets_dir=ddir, per_dataset=40)
    again = unrelated.select_unrelated(datasets_dir=ddir, per_dataset=40)
    assert [e.id for e in first] == [e.id for e in again]
    assert {e.source for e in first} == set(unrelated.UNRELATED_DATASETS)
    assert len(first) == 120
    assert not [e.text for e in first if unrelated.is_political(e.text)]
    assert {e.label for e in first} == {"unrelated"}
