"""The README's commands and examples work exactly as written."""

import re
import shlex
import subprocess
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text()


def blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", README, flags=re.S)


def section(title: str) -> str:
    return README.split(f"## {title}\n", 1)[1].split("\n## ", 1)[0]


def section_blocks(title: str, language: str = "python") -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", section(title), flags=re.S)


def run(args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    env = {"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "HOME": str(cwd)}
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=120)


def test_set_up_gives_exactly_two_commands_and_ci_runs_the_test_one():
    commands = re.findall(r"```sh\n(.*?)```", section("Set up"), flags=re.S)
    assert len(commands) == 1
    lines = commands[0].strip().splitlines()
    assert len(lines) == 2
    install_and_launch, install_and_test = lines
    assert "pip install ." in install_and_launch and "backprop_gui" in install_and_launch
    assert '".[test]"' in install_and_test and "pytest" in install_and_test
    assert install_and_test in (ROOT / ".ci" / "run").read_text().splitlines()


def test_python_examples_run_as_written(tmp_path):
    # They run in order in one folder: the second reads the weights the first saved.
    for code in blocks("python"):
        result = run([sys.executable, "-c", code], tmp_path)
        assert result.returncode == 0, result.stderr
    assert (tmp_path / "spiral.npz").exists()


def test_numpy_alone_reproduces_the_engines_predictions(tmp_path):
    (first,) = section_blocks("Scripting API")
    (second,) = section_blocks("The weights file, with NumPy alone")
    run([sys.executable, "-c", first], tmp_path)
    out = run([sys.executable, "-c", second + "\nnp.save('mine.npy', A)"], tmp_path)
    assert out.returncode == 0, out.stderr
    from backprop_gui.core import load_weights

    net = load_weights(tmp_path / "spiral.npz")
    expected = net.predict_proba(np.array([[0.5, -3.0], [1.0, 2.0]]))
    np.testing.assert_allclose(np.load(tmp_path / "mine.npy"), expected, rtol=1e-12)


def test_command_line_examples_run_as_written(tmp_path):
    # The block runs as written, in a shell, in an empty folder: it makes its
    # own points file. backprop-gui is this checkout's, through a shim on PATH.
    (cli_block,) = re.findall(r"```sh\n(.*?)```", section("Command line"), flags=re.S)
    assert "points.csv" in cli_block and "predictions.csv" in cli_block
    lines = cli_block.strip().splitlines()
    assert all(line.startswith(("backprop-gui ", "printf ")) for line in lines)
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    shim = bin_dir / "backprop-gui"
    shim.write_text(f'#!/bin/sh\nexec {shlex.quote(sys.executable)} -m backprop_gui "$@"\n')
    shim.chmod(0o755)
    work = tmp_path / "work"
    work.mkdir()
    env = {"PYTHONPATH": str(ROOT), "PATH": f"{bin_dir}:/usr/bin:/bin", "HOME": str(work)}
    result = subprocess.run(
        ["sh", "-ec", cli_block], cwd=work, env=env, capture_output=True, text=True, timeout=240
    )
    assert result.returncode == 0, result.stderr
    predictions = (work / "predictions.csv").read_text().splitlines()
    assert predictions[0] == "x1,x2,p0,p1,label"
    assert len(predictions) == 1 + len((work / "points.csv").read_text().splitlines()) - 1


def test_each_bridge_example_runs_on_its_own(tmp_path):
    # Each builds its own network: run each in a fresh folder.
    onnx_example, script_example, sklearn_example = section_blocks("Taking your network elsewhere")
    outputs = {}
    for name, code in [
        ("onnx", onnx_example),
        ("script", script_example),
        ("sklearn", sklearn_example),
    ]:
        folder = tmp_path / name
        folder.mkdir()
        result = run([sys.executable, "-c", code], folder)
        assert result.returncode == 0, (name, result.stderr)
        outputs[name] = result.stdout
    assert (tmp_path / "onnx" / "circle.onnx").exists()
    assert outputs["onnx"].split()[-2:] == ["[0", "1]"]  # inside the circle, then outside
    assert (tmp_path / "script" / "xor.py").exists()
    assert float(outputs["sklearn"].strip()) == 1.0  # moons, learnt perfectly
