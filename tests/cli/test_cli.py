"""The `nrm` command line, end to end on a real SQLite file."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import zipfile

import pytest
from click.testing import CliRunner

from tests.conftest import MINI, ROOT
from tests.processes import free_port
from web.cli import main


@pytest.fixture
def nrm_cli(tmp_path, moving_clock, monkeypatch):
    monkeypatch.setenv("NRM_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.sqlite3'}")
    runner = CliRunner()

    def run(*args: str, ok: bool = True):
        result = runner.invoke(main, list(args), catch_exceptions=False)
        assert (result.exit_code == 0) == ok, result.output
        return result.output

    return run


def test_commands_refuse_an_uninitialised_database(nrm_cli):
    assert "run `nrm init` first" in nrm_cli("tasks", ok=False)


def test_init_start_tasks_complete_status(nrm_cli, tmp_path):
    assert "nrm_pathway version 1 deployed" in nrm_cli("init")
    assert "already deployed" in nrm_cli("init")
    started = nrm_cli("start", "--key", "NRM-2026-000042")
    assert "Case NRM-2026-000042: active" in started and "Choose the referral form" in started
    task_id = re.search(r"Task ([0-9a-f-]{36})", started).group(1)
    assert task_id in nrm_cli("tasks")
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"age_group": "elderly"}))
    refused = nrm_cli("complete", task_id, "--data", str(bad), ok=False)
    assert "age_group" in refused and "first_responder_agency" in refused
    for text, words in (
        ("[" * 5_000, "nested too deep"),
        ("[]", "must be a JSON object"),
        ("{,", "not valid JSON"),
    ):
        bad.write_text(text)
        assert words in nrm_cli("complete", task_id, "--data", str(bad), ok=False)
    good = tmp_path / "good.json"
    good.write_text(json.dumps({"first_responder_agency": "police", "age_group": "adult"}))
    assert "Ask for the adult's consent" in nrm_cli("complete", task_id, "--data", str(good))
    assert "already by" in nrm_cli("complete", task_id, "--data", str(good), ok=False)
    status = nrm_cli("status", "NRM-2026-000042", "--history")
    assert "task_completed" in status and "Ask for the adult's consent" in status
    assert "NRM-2026-000042" in nrm_cli("status")
    assert "no case NRM-2026-000999" in nrm_cli("status", "NRM-2026-000999", ok=False)


def test_deploy_reports_a_no_op_and_a_refusal(nrm_cli, tmp_path):
    nrm_cli("init")
    assert "mini_process version 1 deployed" in nrm_cli("deploy", str(MINI))
    assert "No change" in nrm_cli("deploy", str(MINI))
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "x.bpmn").write_text("<definitions>")
    assert "x.bpmn" in nrm_cli("deploy", str(broken), ok=False)


def test_demo_fills_every_stage_and_does_not_run_twice(nrm_cli):
    nrm_cli("init")
    # 120 days back from 2 March 2026 starts in November 2025: every date the demo answers must be
    # in the past by the moving clock, as the forms' `x-when` checks (make run failed on this once).
    output = nrm_cli("demo", "--days", "120", "--per-day", "1.0")
    assert re.search(r"\d+ cases referred over 120 days", output)
    listing = nrm_cli("status")
    for stage in ("Make the reasonable grounds decision", "Ask for more time to recover", "completed"):
        assert stage in listing, stage
    assert "not adding demo cases" in nrm_cli("demo", "--days", "5")
    assert "Example policy change deployed: nrm_pathway version 2" in output
    users = nrm_cli("users", "list")  # the simulated workers the histories name are users
    assert "demo-first-responder" in users and "demo-competent-authority-ukba" in users


def test_validate_reports_each_finding_with_its_element(nrm_cli, tmp_path):
    assert "0 errors, 0 warnings: deployable" in nrm_cli("validate", "bpmn")
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "x.bpmn").write_text(
        (ROOT / "bpmn" / "reflection_recovery.bpmn").read_text().replace("reflection['review_at']", "P30D")
    )
    output = nrm_cli("validate", str(broken), ok=False)
    assert "x.bpmn#progress_review_due: timer P30D is read as Python" in output
    assert "not deployable" in output


# `nrm …` as a terminal starts it, with Ctrl-C (SIGINT) delivered: a test run started in the
# background by a non-interactive shell has SIGINT ignored, and its children would inherit that.
WITH_CTRL_C = (
    "import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); "
    "os.execv(sys.executable, [sys.executable, '-m', 'web.cli', *sys.argv[1:]])"
)


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
@pytest.mark.parametrize(
    "command", [["run", "--no-demo", "--port", "PORT"], ["scheduler", "--node", "cli-test"]]
)
def test_run_and_scheduler_serve_until_interrupted(tmp_path, command, stop):
    env = dict(os.environ, NRM_DATABASE_URL=f"sqlite:///{tmp_path / 'serve.sqlite3'}", PYTHONFAULTHANDLER="1")
    if command[0] == "scheduler":
        subprocess.run(
            [sys.executable, "-m", "web.cli", "init"], env=env, cwd=ROOT, check=True, capture_output=True
        )
    port = str(free_port())
    command = [port if part == "PORT" else part for part in command]
    process = subprocess.Popen(
        [sys.executable, "-c", WITH_CTRL_C, *command],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    banner = ""
    while "Ctrl-C stops" not in banner:
        line = process.stdout.readline()
        assert line, f"{command[0]} ended early: {banner}"
        banner += line
    process.send_signal(stop)
    try:
        output, _ = process.communicate(timeout=10)  # SIGTERM or Ctrl-C: gone within 10 s
    except subprocess.TimeoutExpired:  # say where it hangs: faulthandler prints every thread on SIGABRT
        process.send_signal(signal.SIGABRT)
        output, _ = process.communicate(timeout=30)
        pytest.fail(f"{command[0]} did not stop within 10 s of {stop.name}:\n{banner}{output}")
    assert process.returncode == 0, banner + output
    assert "Stopped: 0 timers fired." in output
    if command[0] == "run":
        assert "nrm_pathway version 1 deployed" in banner and f"http://localhost:{port}/" in banner


def test_tokens_add_list_revoke(nrm_cli):
    nrm_cli("init")
    nrm_cli(
        "users",
        "add",
        "police-system",
        "--group",
        "first-responder",
        "--agency",
        "police",
        "--password",
        "a long enough password",
    )
    issued = nrm_cli("tokens", "add", "police-system", "Police case system")
    secret = re.search(r"^nrm_\S+$", issued, re.MULTILINE).group(0)
    listed = nrm_cli("tokens", "list")
    assert "police-system" in listed and "never used" in listed and secret not in listed
    assert "revoked" in nrm_cli("tokens", "revoke", "1")
    assert "revoked" in nrm_cli("tokens", "list")
    assert "no token 99" in nrm_cli("tokens", "revoke", "99", ok=False)
    assert "no active user nobody" in nrm_cli("tokens", "add", "nobody", "X", ok=False)


def test_keys_rotate_then_the_new_key_alone_reads_everything(nrm_cli, tmp_path, monkeypatch):
    nrm_cli("init")
    nrm_cli("start", "--key", "NRM-2026-000042")
    new_key = tmp_path / "keys" / "master-2.key"
    rotated = nrm_cli("keys", "rotate", "--new-key-file", str(new_key))
    assert "Rewrapped 1 case keys under the new master key" in rotated and str(new_key) in rotated
    monkeypatch.delenv("NRM_MASTER_KEY")  # the old key is gone
    monkeypatch.setenv("NRM_MASTER_KEY_FILE", str(new_key))
    assert "opens every case key" in nrm_cli("keys", "check")
    assert "NRM-2026-000042: active" in nrm_cli("status", "NRM-2026-000042")
    monkeypatch.setenv("NRM_MASTER_KEY_FILE", str(tmp_path / "nowhere.key"))
    refused = nrm_cli("tasks", ok=False)
    assert "the master key file" in refused and "cannot be read" in refused
    assert "exists already" in nrm_cli("keys", "new", str(new_key), ok=False)


def test_export_person_writes_the_archive_and_says_where(nrm_cli, tmp_path):
    nrm_cli("init")
    started = nrm_cli("start", "--key", "NRM-2026-000042")
    task_id = re.search(r"Task ([0-9a-f-]{36})", started).group(1)
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps({"first_responder_agency": "police", "age_group": "adult"}))
    nrm_cli("complete", task_id, "--data", str(answers))
    output = nrm_cli("export-person", "NRM-2026-000042", "--output", str(tmp_path))
    written = tmp_path / "subject-access-NRM-2026-000042.zip"
    assert str(written) in output
    with zipfile.ZipFile(written) as archive:
        page = archive.read("index.html").decode()
        assert {"index.html", "case.json", "notes.txt"} <= set(archive.namelist())
    assert "<dt>First responder agency</dt><dd>Police</dd>" in page
    assert "Adult (18 or over)" in page
    assert oct(written.stat().st_mode & 0o777) == "0o600"
    assert "exists already" in nrm_cli("export-person", "NRM-2026-000042", "--output", str(written), ok=False)
    assert "personal_data_exported" in nrm_cli("status", "NRM-2026-000042", "--history")


def test_export_person_of_an_unknown_reference_says_what_to_do(nrm_cli, tmp_path):
    nrm_cli("init")
    refused = nrm_cli("export-person", "NRM-2026-000999", "--output", str(tmp_path), ok=False)
    assert "There is no case NRM-2026-000999: check the reference" in refused and "nrm status" in refused
    assert not list(tmp_path.glob("*.zip"))


def _closed_case(nrm_cli, key: str) -> None:
    from engine import Engine, EngineConfig

    nrm_cli("start", "--key", key)
    engine = Engine(EngineConfig.from_environment())
    try:
        engine.cancel_case(key, "Referred twice")
    finally:
        engine.db.dispose()


def test_erase_destroys_a_closed_cases_key_and_refuses_a_running_one(nrm_cli, tmp_path):
    nrm_cli("init")
    nrm_cli("start", "--key", "NRM-2026-000041")
    refused = nrm_cli("erase", "NRM-2026-000041", "--reason", "Asked by the person", ok=False)
    assert "cancel it first" in refused
    _closed_case(nrm_cli, "NRM-2026-000042")
    assert "is erased" in nrm_cli("erase", "NRM-2026-000042", "--reason", "Asked by the person")
    assert "erased already" in nrm_cli("erase", "NRM-2026-000042", "--reason", "Again", ok=False)
    assert "a reason is required" in nrm_cli("erase", "NRM-2026-000041", "--reason", " ", ok=False)
    assert "personal_data_erased" in nrm_cli("status", "NRM-2026-000042", "--history")
    assert "erased on" in nrm_cli("export-person", "NRM-2026-000042", "--output", str(tmp_path), ok=False)


def test_retention_run_lists_with_dry_run_then_erases(nrm_cli, moving_clock):
    from datetime import timedelta

    nrm_cli("init")
    _closed_case(nrm_cli, "NRM-2026-000042")
    nrm_cli("start", "--key", "NRM-2026-000043")
    assert "0 cases past their retention would be erased" in nrm_cli("retention", "run", "--dry-run")
    moving_clock.move(timedelta(days=366 * 6 + 1))
    dry = nrm_cli("retention", "run", "--dry-run")
    assert "NRM-2026-000042, closed on 2 March 2026 (retention 6 years)" in dry
    assert "NRM-2026-000043" not in dry and "1 case past their retention would be erased" in dry
    done = nrm_cli("retention", "run")
    assert "Erased: NRM-2026-000042" in done and "1 case past their retention erased." in done
    assert "0 cases past their retention erased." in nrm_cli("retention", "run")
