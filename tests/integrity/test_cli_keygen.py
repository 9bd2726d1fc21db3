import stat

from typer.testing import CliRunner

from perfeval_xl.cli import app
from perfeval_xl.integrity.keys import load_private_key, load_public_key

runner = CliRunner()


def _keygen(*args: str):
    return runner.invoke(app, ["keygen", *args])


def test_keygen_writes_a_matching_pair(tmp_path):
    private, public = tmp_path / "2024-01.key", tmp_path / "2024-01.pub"
    result = _keygen("--batch", "2024-自评-01", "--private-out", str(private), "--public-out", str(public))
    assert result.exit_code == 0, result.output
    pair = load_private_key(private)
    info = load_public_key(public)
    assert pair.key_id == info.key_id and info.batch_id == "2024-自评-01"
    assert stat.S_IMODE(private.stat().st_mode) == 0o600
    assert result.output.splitlines()[:2] == ["已生成批次“2024-自评-01”的签名密钥。", f"密钥编号：{pair.key_id}"]


def test_keygen_refuses_to_overwrite_either_file(tmp_path):
    private, public = tmp_path / "k.key", tmp_path / "k.pub"
    public.write_text("old")
    result = _keygen("--batch", "b", "--private-out", str(private), "--public-out", str(public), "--force")
    assert result.exit_code == 1
    assert "已存在" in result.output and str(public) in result.output
    assert not private.exists()  # nothing half-written
    assert public.read_text() == "old"


def test_keygen_refuses_a_git_tree_unless_forced(tmp_path):
    (tmp_path / ".git").mkdir()
    private, public = tmp_path / "k.key", tmp_path / "k.pub"
    result = _keygen("--batch", "b", "--private-out", str(private), "--public-out", str(public))
    assert result.exit_code == 1
    assert "错误：私钥不能保存在 Git 工作区" in result.output and "--force" in result.output
    assert not private.exists() and not public.exists()
    result = _keygen("--batch", "b", "--private-out", str(private), "--public-out", str(public), "--force")
    assert result.exit_code == 0, result.output
    assert load_private_key(private).key_id == load_public_key(public).key_id


def test_keygen_removes_the_private_key_when_the_public_one_cannot_be_written(tmp_path):
    private, public = tmp_path / "k.key", tmp_path / "missing" / "k.pub"
    result = _keygen("--batch", "b", "--private-out", str(private), "--public-out", str(public))
    assert result.exit_code == 1
    assert "不存在" in result.output
    assert not private.exists()


def test_keygen_rejects_a_bad_batch_id(tmp_path):
    result = _keygen("--batch", " ", "--private-out", str(tmp_path / "k"), "--public-out", str(tmp_path / "p"))
    assert result.exit_code == 1
    assert "批次编号" in result.output


def test_keygen_help_is_chinese():
    result = runner.invoke(app, ["keygen", "--help"])
    assert result.exit_code == 0
    assert "生成一个批次的签名密钥对" in result.output
