"""Loaders for the public Indonesian datasets the classifier is trained and evaluated on.

The texts are third-party and never committed: they are read from a directory given at run time
(``--datasets DIR``; CI uses ``../shared/datasets``) laid out as ``<DIR>/<name>/<file>``, or
downloaded from their original repositories (pinned commits) with :func:`download`, which checks
each file's SHA-256 before keeping it. The hashes below are those of the files as distributed.

Every row gets a stable id (the dataset's own id, or split + row index) and its text normalised
in one way across sets: user mentions become ``@USER`` and links ``HTTPURL`` whatever masking
the set used (``USER``, ``[USERNAME]``, ``<USERNAME>``, raw ``@handle``), except the official
handles of public candidates. Our labels are keyed by (dataset, row id, :func:`text_sha256` of
that normalised text).
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import tempfile
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pantau.errors import InputRejected, RowError

USER_TOKEN = "@USER"  # noqa: S105 - a placeholder, not a secret
URL_TOKEN = "HTTPURL"  # noqa: S105

_URL_RE = re.compile(r"(?:https?://|www\.|pic\.twitter\.com/)\S+|\bURL\b|\[URL\]|<URL>", re.I)
_USER_RE = re.compile(
    r"@[A-Za-z0-9_]{1,30}|\[USERNAME\]|<USERNAME>|\bUSER\b(?!_)|<USER>|\[USER\]", re.UNICODE
)
_SPACE_RE = re.compile(r"\s+")

# Official accounts of public candidates stay: they carry the target the text is about (the
# model masks them like names later). Every other handle is a private person and is masked.
CANDIDATE_HANDLES = frozenset(
    h.lower()
    for h in (
        "jokowi",
        "prabowo",
        "sandiuno",
        "KHMarufAmin_",
        "aniesbaswedan",
        "AgusYudhoyono",
        "basuki_btp",
        "djarotsaiful",
        "ganjarpranowo",
        "mohmahfudmd",
        "gibran_tweet",
        "cakimiNOW",
        "ridwankamil",
        "pramonoanung",
        "sylviana_murni",
    )
)


def _mask_user(match: re.Match[str]) -> str:
    token = match.group(0)
    if token.startswith("@") and token[1:].lower() in CANDIDATE_HANDLES:
        return token
    return USER_TOKEN


@dataclass(frozen=True)
class DataFile:
    """One file of a source: its path inside the dataset folder, origin URL and SHA-256."""

    path: str
    url: str
    sha256: str


@dataclass(frozen=True)
class Row:
    """One text of a public dataset, normalised; ``meta`` keeps the set's own labels."""

    dataset: str
    row_id: str
    text: str
    meta: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Source:
    name: str
    files: tuple[DataFile, ...]
    licence: str
    reader: Callable[[Path], Iterator[Row]]


def normalise_text(text: str) -> str:
    """Mojibake repaired, one spelling for mentions and links, whitespace collapsed."""
    text = repair_mojibake(text)
    text = text.replace("\\n", " ").replace("\\t", " ")
    text = _URL_RE.sub(URL_TOKEN, text)
    text = _USER_RE.sub(_mask_user, text)
    return _SPACE_RE.sub(" ", text).strip()


def text_sha256(text: str) -> str:
    """The hash our label files key rows by (of the normalised text, UTF-8)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def repair_mojibake(text: str) -> str:
    """Undo UTF-8 read as cp1252 (``ðŸ‘‡`` -> 👇); text that is not mojibake is returned as is."""
    if not any(ch in text for ch in "ÃÂâð"):
        return text
    raw = bytearray()
    for ch in text:
        try:
            raw += ch.encode("cp1252")
        except UnicodeEncodeError:
            if ord(ch) > 0xFF:
                return text
            raw.append(ord(ch))  # bytes cp1252 leaves undefined were read as latin-1
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return text


def _gh(repo: str, commit: str, path: str) -> str:
    return f"https://raw.githubusercontent.com/{repo}/{commit}/{path}"


# --- readers: pure functions of the dataset folder ------------------------------------------


def _read_pilkada(folder: Path) -> Iterator[Row]:
    with (folder / "dataset_tweet_sentiment_pilkada_DKI_2017.csv").open(encoding="utf-8-sig") as fh:
        for rec in csv.DictReader(fh):
            yield Row(
                "pilkada_dki2017",
                rec["Id"].strip(),
                normalise_text(rec["Text Tweet"]),
                {"sentiment": rec["Sentiment"], "pair": rec["Pasangan Calon"]},
            )


def _read_pilpres2019(folder: Path) -> Iterator[Row]:
    # Most lines are one quoted field holding "no,sentimen,""tweet""" (an Excel export).
    with (folder / "tweet.csv").open(encoding="utf-8", newline="") as fh:
        outer = csv.reader(fh)
        next(outer)
        for line in outer:
            if not line:
                continue
            # About 600 lines are not wrapped: the outer reader already split them.
            inner = line if len(line) >= 3 else next(csv.reader(io.StringIO(line[0])))
            no, sentiment, tweet = inner[0], inner[1], ",".join(inner[2:])
            yield Row(
                "pilpres2019_tweet",
                no.strip(),
                normalise_text(tweet),
                {"sentiment": sentiment},
            )


def _read_falsenews(folder: Path) -> Iterator[Row]:
    csv.field_size_limit(1 << 24)
    for part in ("train", "test"):
        path = folder / f"indonesian_falsenews_{part}data.txt"
        with path.open(encoding="utf-8", newline="") as fh:
            for rec in csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE):
                yield Row(
                    "falsenews_pilpres2019",
                    f"{part}:{rec['index']}",
                    normalise_text(rec["tweets"] or ""),
                    {
                        "topic": rec["topic"] or "",
                        "class": rec["class"] or "",
                        "date": rec["date"] or "",
                        "username": rec["username"] or "",
                    },
                )


def _read_ibrohim(folder: Path) -> Iterator[Row]:
    with (folder / "re_dataset.csv").open(encoding="latin-1", newline="") as fh:
        for index, rec in enumerate(csv.DictReader(fh)):
            text = rec["Tweet"]
            meta = {k: v for k, v in rec.items() if k != "Tweet" and v is not None}
            yield Row("ibrohim2019", str(index), normalise_text(text), meta)


def _read_smsa(folder: Path) -> Iterator[Row]:
    for part in ("train", "valid", "test"):
        with (folder / f"{part}_preprocess.tsv").open(encoding="utf-8") as fh:
            for index, line in enumerate(fh):
                text, _, label = line.rstrip("\n").rpartition("\t")
                yield Row("indonlu_smsa", f"{part}:{index}", normalise_text(text), {"label": label})


def _csv_parts(
    name: str, files: Sequence[tuple[str, Path]], text_column: str, label_column: str
) -> Iterator[Row]:
    """Rows of CSV files split into parts (``train``, ``valid``, ...): ids ``<part>:<index>``."""
    for part, path in files:
        with path.open(encoding="utf-8", newline="") as fh:
            for index, rec in enumerate(csv.DictReader(fh)):
                yield Row(
                    name,
                    f"{part}:{index}",
                    normalise_text(rec[text_column] or ""),
                    {label_column: rec[label_column] or ""},
                )


def _read_emot(folder: Path) -> Iterator[Row]:
    parts = [(p, folder / f"{p}_preprocess.csv") for p in ("train", "valid", "test")]
    return _csv_parts("indonlu_emot", parts, "tweet", "label")


def _read_netifier(folder: Path) -> Iterator[Row]:
    for part in ("train", "test"):
        with (folder / f"raw_{part}.csv").open(encoding="utf-8", newline="") as fh:
            for index, rec in enumerate(csv.DictReader(fh)):
                meta = {k: v for k, v in rec.items() if k != "original_text" and v is not None}
                yield Row("netifier", f"{part}:{index}", normalise_text(rec["original_text"]), meta)


def _read_indolem_sentiment(folder: Path) -> Iterator[Row]:
    parts = [(p, folder / f"{p}.csv") for p in ("train0", "dev0", "test0")]
    return _csv_parts("indolem_sentiment", parts, "sentence", "sentiment")


_INDONLU = ("IndoNLP/indonlu", "ce728f6926a36174b9923dfe49d6a6839b6e9bb7")

SOURCES: dict[str, Source] = {
    s.name: s
    for s in (
        Source(
            "pilkada_dki2017",
            (
                DataFile(
                    "dataset_tweet_sentiment_pilkada_DKI_2017.csv",
                    _gh(
                        "rizalespe/Dataset-Sentimen-Analisis-Bahasa-Indonesia",
                        "9d792604b1297bece6dbdf4d3c5101560d34a892",
                        "dataset_tweet_sentiment_pilkada_DKI_2017.csv",
                    ),
                    "b440cdcd905c44933a3aa18a40b0722ce369a277604ecd5308d7bd3a109ad879",
                ),
            ),
            "none formal; personal use, cite Lestari, Perdana & Fauzi (2017)",
            _read_pilkada,
        ),
        Source(
            "pilpres2019_tweet",
            (
                DataFile(
                    "tweet.csv",
                    _gh(
                        "MHisyamAvilaS17/Sentiment-Analysis-of-2019-Indonesian-Presidential-"
                        "Election-Tweets-Using-Random-Forest-and-LSTM",
                        "fc26af7c64464333e2c50120adc6e2e277de8242",
                        "tweet.csv",
                    ),
                    "bebc3b80b963494cbe150a7e3568c450adcd4e6d804c87f62fac30739ac67e0c",
                ),
            ),
            "none stated",
            _read_pilpres2019,
        ),
        Source(
            "falsenews_pilpres2019",
            tuple(
                DataFile(
                    f"indonesian_falsenews_{part}data.txt",
                    _gh(
                        "rayansuryadikara/false_news_detection_and_dissemination_analysis",
                        "18c3b81f22ab69a00583c4a35a4a7e59309e97a0",
                        f"indonesian_falsenews_{part}data.txt",
                    ),
                    sha,
                )
                for part, sha in (
                    ("train", "9dcca8166746cac23a12e40a4046edd5fccacd506f571a9735a2e1881230b74c"),
                    ("test", "5bd983e45efc3a5d22f319dcd40aa8baa406b2922b0157b3f21976b0977c6213"),
                )
            ),
            "none stated",
            _read_falsenews,
        ),
        Source(
            "ibrohim2019",
            (
                DataFile(
                    "re_dataset.csv",
                    _gh(
                        "okkyibrohim/id-multi-label-hate-speech-and-abusive-language-detection",
                        "be98de98e974b65838d2b5145ee2c89e9bf53a6b",
                        "re_dataset.csv",
                    ),
                    "44c04e31ad4b7ee4a95f1884e7af4da2c44b69762143eb2de0ede7f90502735e",
                ),
            ),
            "CC BY-NC-SA 4.0",
            _read_ibrohim,
        ),
        Source(
            "indonlu_smsa",
            tuple(
                DataFile(
                    f"{part}_preprocess.tsv",
                    _gh(*_INDONLU, f"dataset/smsa_doc-sentiment-prosa/{part}_preprocess.tsv"),
                    sha,
                )
                for part, sha in (
                    ("train", "50f38ceed9b31521bf1581e126620532cc9b790712938159a2cdcf6906977a9b"),
                    ("valid", "6ab41ddc9d58a35086f05ebd2e209c74cb03d87d4f51d6abdfba674eafbefa74"),
                    ("test", "4e8016daa8e4e1b193f2a28a79d3a7804dd4e3f926a3ab7e8a64264f5f416a6f"),
                )
            ),
            "CC BY-SA 4.0 (SEACrowd); code Apache-2.0",
            _read_smsa,
        ),
        Source(
            "indonlu_emot",
            tuple(
                DataFile(
                    f"{part}_preprocess.csv",
                    _gh(*_INDONLU, f"dataset/emot_emotion-twitter/{part}_preprocess.csv"),
                    sha,
                )
                for part, sha in (
                    ("train", "51bb4e77d989004d0ca49c158f404d7eda956015a18b805401f7dee9b4d85fc1"),
                    ("valid", "3cba3d7b2cc3afa5cdd452a13df2498ff8a32b420f59ed10a48e41a452c98f50"),
                    ("test", "e983b8e4b079a3b76f299cc801305f1098e35281f5b95636432981a2f2a1b461"),
                )
            ),
            "CC BY-NC-SA 4.0 (original source)",
            _read_emot,
        ),
        Source(
            "netifier",
            tuple(
                DataFile(
                    f"raw_{part}.csv",
                    _gh(
                        "ahmadizzan/netifier",
                        "725b7ebc74fe5d6bc7de9f2edb55a4251bc944a5",
                        f"data/raw/{part}.csv",
                    ),
                    sha,
                )
                for part, sha in (
                    ("train", "33f65dff7739a65a5faf2d13fc9f32393b5aadb87115a0f5dd92ceab7769b507"),
                    ("test", "46088b11b06f1f876f04249af5916318832d77f18572bc792ae3dfc668cb3deb"),
                )
            ),
            "CC BY-NC-SA 4.0 (SEACrowd); no licence file",
            _read_netifier,
        ),
        Source(
            "indolem_sentiment",
            tuple(
                DataFile(
                    f"{part}.csv",
                    _gh(
                        "indolem/indolem",
                        "777fdc680cfa85243f08e60045e3d34ca49756ed",
                        f"sentiment/data/{part}.csv",
                    ),
                    sha,
                )
                for part, sha in (
                    ("train0", "fba0e0c1518e8fb481a8864baafdaa55e29766eaf4335d02da98cc0d80132527"),
                    ("dev0", "4964a3d78a91df7c5ef5825fc80f5893f317acf1173ecaf09cfdbb997038256e"),
                    ("test0", "1eb8881f9f9330d4a5bc0f160e249a5ae2bea607b5118ea9105d8e9db20a4dfb"),
                )
            ),
            "CC BY-SA 4.0 (SEACrowd)",
            _read_indolem_sentiment,
        ),
    )
}


def source(name: str) -> Source:
    try:
        return SOURCES[name]
    except KeyError:
        known = ", ".join(sorted(SOURCES))
        raise InputRejected(f"unknown dataset {name!r} (known: {known})") from None


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def verify(name: str, *, datasets_dir: Path) -> None:
    """Check that every file of ``name`` is present under ``datasets_dir`` with its SHA-256."""
    problems: list[RowError] = []
    for spec in source(name).files:
        path = datasets_dir / name / spec.path
        if not path.is_file():
            problems.append(RowError(str(path), 0, "file", spec.path, "missing"))
        elif (found := file_sha256(path)) != spec.sha256:
            problems.append(
                RowError(str(path), 0, "sha256", found, f"expected {spec.sha256} ({spec.url})")
            )
    if problems:
        raise InputRejected(
            f"dataset {name!r} under {datasets_dir} is not the expected copy", problems
        )


def load_rows(name: str, *, datasets_dir: Path, check: bool = False) -> list[Row]:
    """Every row of dataset ``name`` read from ``<datasets_dir>/<name>/``."""
    src = source(name)
    folder = datasets_dir / name
    if check:
        verify(name, datasets_dir=datasets_dir)
    missing = [f.path for f in src.files if not (folder / f.path).is_file()]
    if missing:
        raise InputRejected(f"dataset {name!r}: missing {', '.join(missing)} under {folder}")
    return list(src.reader(folder))


def download(name: str, *, datasets_dir: Path, timeout: float = 60.0) -> Path:
    """Fetch ``name`` from its original repository into ``<datasets_dir>/<name>/``.

    Each file is written only after its SHA-256 matches; a mismatch leaves nothing behind.
    """
    src = source(name)
    folder = datasets_dir / name
    folder.mkdir(parents=True, exist_ok=True)
    for spec in src.files:
        target = folder / spec.path
        if target.is_file() and file_sha256(target) == spec.sha256:
            continue
        if not spec.url.startswith("https://"):
            raise InputRejected(f"dataset {name!r}: refusing non-https URL {spec.url}")
        with urllib.request.urlopen(spec.url, timeout=timeout) as resp:  # noqa: S310 - https only
            data = resp.read()
        found = hashlib.sha256(data).hexdigest()
        if found != spec.sha256:
            raise InputRejected(
                f"dataset {name!r}: {spec.url} has SHA-256 {found}, expected {spec.sha256}"
            )
        with tempfile.NamedTemporaryFile(dir=folder, delete=False) as tmp:
            tmp.write(data)
        Path(tmp.name).replace(target)
    return folder
