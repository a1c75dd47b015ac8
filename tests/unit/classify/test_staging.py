"""Model folders opened to reading by every account (:mod:`pantau.classify.staging`)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from pantau.classify.staging import share_folder


def test_a_staged_folder_becomes_readable_and_keeps_its_other_bits(tmp_path: Path) -> None:
    folder = Path(tempfile.mkdtemp(dir=tmp_path))  # 0700, as every staged model folder
    (folder / "onnx").mkdir(mode=0o700)
    weights, script, graph = folder / "model.safetensors", folder / "run.sh", folder / "onnx" / "g"
    for path, mode in ((weights, 0o600), (script, 0o700), (graph, 0o600)):
        path.write_bytes(b"x")
        path.chmod(mode)
    outside = tmp_path / "secret"
    outside.write_bytes(b"s")
    outside.chmod(0o600)
    (folder / "link").symlink_to(outside)
    share_folder(folder)
    modes = {p.name: p.stat().st_mode & 0o777 for p in (folder, folder / "onnx", weights, graph)}
    assert modes == {folder.name: 0o755, "onnx": 0o755, "model.safetensors": 0o644, "g": 0o644}
    assert script.stat().st_mode & 0o777 == 0o744  # read added, the owner's execute kept
    assert outside.stat().st_mode & 0o777 == 0o600  # a link's target is not the folder's
