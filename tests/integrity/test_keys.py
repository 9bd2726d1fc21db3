import hashlib
import os
import stat
import sys

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ec import SECP256R1, generate_private_key
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from perfeval_xl.integrity.errors import IntegrityError
from perfeval_xl.integrity.keys import (
    KeyPair,
    check_private_key_location,
    find_git_worktree,
    generate_keypair,
    key_id_for,
    load_private_key,
    load_public_key,
    load_public_keys,
    write_private_key,
    write_public_key,
)

SEED = bytes(range(32))


@pytest.fixture
def pair() -> KeyPair:
    return KeyPair.from_private_key("2024-01", Ed25519PrivateKey.from_private_bytes(SEED))


def _code(excinfo) -> str:
    return excinfo.value.code


def test_key_id_is_a_prefix_of_sha256_of_the_raw_public_key(pair):
    raw = pair.public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    assert raw.hex() == "03a107bff3ce10be1d70dd18e74bc09967e4d6309ba50d5f1ddc8664125531b8"
    assert pair.key_id == "ed25519:" + hashlib.sha256(raw).hexdigest()[:16]
    assert pair.key_id == key_id_for(pair.public_key)


def test_generated_pairs_differ_and_repr_hides_the_private_key():
    a, b = generate_keypair("批次一"), generate_keypair("批次一")
    assert a.key_id != b.key_id
    assert a.key_id.startswith("ed25519:") and len(a.key_id) == 24
    assert "private_key" not in repr(a)


@pytest.mark.parametrize("batch_id", ["", "  ", "a\nb", "x" * 101, "tab\there"])
def test_bad_batch_ids(batch_id):
    with pytest.raises(IntegrityError) as excinfo:
        generate_keypair(batch_id)
    assert _code(excinfo) == "KEY_BATCH_INVALID"


def test_round_trip_and_file_format(tmp_path, pair):
    private = write_private_key(pair, tmp_path / "k.key")
    public = write_public_key(pair, tmp_path / "k.pub")
    assert stat.S_IMODE(private.stat().st_mode) == 0o600
    text = public.read_text("utf-8")
    assert text.splitlines()[1:4] == [f"Key-Id: {pair.key_id}", "Batch-Id: 2024-01", "-----BEGIN PUBLIC KEY-----"]
    assert text.startswith("# ")

    loaded = load_private_key(private)
    assert (loaded.batch_id, loaded.key_id) == ("2024-01", pair.key_id)
    assert loaded.private_key.private_bytes_raw() == SEED
    info = load_public_key(public)
    assert (info.batch_id, info.key_id) == ("2024-01", pair.key_id)
    assert info.public_key.public_bytes_raw() == pair.public_key.public_bytes_raw()


def test_files_stay_plain_pem_for_other_tools(tmp_path, pair):
    public = write_public_key(pair, tmp_path / "k.pub")
    private = write_private_key(pair, tmp_path / "k.key")
    assert serialization.load_pem_public_key(public.read_bytes()).public_bytes_raw() == pair.public_key.public_bytes_raw()
    assert serialization.load_pem_private_key(private.read_bytes(), None).private_bytes_raw() == SEED


def test_windows_notepad_bom_and_crlf_are_accepted(tmp_path, pair):
    public = write_public_key(pair, tmp_path / "k.pub")
    public.write_bytes(b"\xef\xbb\xbf" + public.read_bytes().replace(b"\n", b"\r\n"))
    assert load_public_key(public).key_id == pair.key_id


def test_never_overwrites(tmp_path, pair):
    target = tmp_path / "k.key"
    target.write_text("old")
    with pytest.raises(IntegrityError) as excinfo:
        write_private_key(pair, target, force=True)
    assert _code(excinfo) == "KEY_FILE_EXISTS"
    assert target.read_text() == "old"
    (tmp_path / "k.pub").write_text("old")
    with pytest.raises(IntegrityError) as excinfo:
        write_public_key(pair, tmp_path / "k.pub")
    assert _code(excinfo) == "KEY_FILE_EXISTS"


def test_missing_folder(tmp_path, pair):
    with pytest.raises(IntegrityError) as excinfo:
        write_public_key(pair, tmp_path / "nope" / "k.pub")
    assert _code(excinfo) == "KEY_DIR_MISSING"


def test_refuses_a_git_working_tree_unless_forced(tmp_path, pair):
    repo = tmp_path / "repo"
    (repo / "keys").mkdir(parents=True)
    (repo / ".git").write_text("gitdir: elsewhere\n")  # a linked worktree has a .git file
    target = repo / "keys" / "k.key"
    assert find_git_worktree(target.parent) == repo
    with pytest.raises(IntegrityError) as excinfo:
        write_private_key(pair, target)
    assert _code(excinfo) == "KEY_IN_GIT_TREE"
    assert not target.exists()
    assert "Git" in excinfo.value.message("zh")
    write_private_key(pair, target, force=True)
    assert load_private_key(target).key_id == pair.key_id


def test_refuses_an_output_folder(tmp_path, pair):
    out = tmp_path / "out" / "2024-01"
    out.mkdir(parents=True)
    with pytest.raises(IntegrityError) as excinfo:
        write_private_key(pair, out / "k.key", forbidden_dirs=[tmp_path / "out"])
    assert _code(excinfo) == "KEY_IN_OUTPUT_DIR"
    check_private_key_location(tmp_path / "k.key", forbidden_dirs=[out])  # a sibling is fine


def test_load_public_keys_from_a_folder(tmp_path, pair):
    other = generate_keypair("2024-02")
    write_public_key(pair, tmp_path / "a.pub")
    write_public_key(other, tmp_path / "b.pub")
    write_public_key(pair, tmp_path / "a-copy.pub")  # the same key twice is harmless
    write_private_key(pair, tmp_path / "a.key")  # not *.pub: ignored
    keys = load_public_keys(tmp_path)
    assert sorted(keys) == sorted([pair.key_id, other.key_id])
    assert list(load_public_keys(tmp_path / "b.pub")) == [other.key_id]


def test_same_key_labelled_with_two_batches(tmp_path, pair):
    write_public_key(pair, tmp_path / "a.pub")
    relabelled = KeyPair.from_private_key("2024-99", pair.private_key)
    write_public_key(relabelled, tmp_path / "b.pub")
    with pytest.raises(IntegrityError) as excinfo:
        load_public_keys(tmp_path)
    assert _code(excinfo) == "KEY_ID_DUPLICATE"


def test_empty_folder(tmp_path):
    with pytest.raises(IntegrityError) as excinfo:
        load_public_keys(tmp_path)
    assert _code(excinfo) == "KEY_FOLDER_EMPTY"


def test_private_key_given_as_public_key(tmp_path, pair):
    private = write_private_key(pair, tmp_path / "k.key")
    with pytest.raises(IntegrityError) as excinfo:
        load_public_key(private)
    assert _code(excinfo) == "KEY_FILE_IS_PRIVATE"
    assert "切勿分发" in excinfo.value.message("zh")


def _replace_line(path, prefix, new_line):
    lines = path.read_text("utf-8").splitlines(keepends=True)
    path.write_text("".join(new_line + "\n" if line.startswith(prefix) else line for line in lines), "utf-8")


def test_edited_key_id_header(tmp_path, pair):
    public = write_public_key(pair, tmp_path / "k.pub")
    _replace_line(public, "Key-Id:", "Key-Id: ed25519:0000000000000000")
    with pytest.raises(IntegrityError) as excinfo:
        load_public_key(public)
    assert _code(excinfo) == "KEY_ID_MISMATCH"
    assert excinfo.value.params["actual"] == pair.key_id


@pytest.mark.parametrize(
    "content, detail",
    [
        (b"", "no PEM block"),
        (b"\xff\xfe\x00junk", "not UTF-8"),
        (b"x" * (64 * 1024 + 1), "too large"),
        (b"Key-Id: a\n-----BEGIN PUBLIC KEY-----\nMCowBQ==\n-----END PUBLIC KEY-----\n", "Batch-Id missing"),
    ],
)
def test_corrupt_public_key_files(tmp_path, content, detail):
    path = tmp_path / "k.pub"
    path.write_bytes(content)
    with pytest.raises(IntegrityError) as excinfo:
        load_public_key(path)
    assert _code(excinfo) == "PUBLIC_KEY_FILE_INVALID"
    assert detail in str(excinfo.value)
    assert excinfo.value.message("zh").startswith(f"{path} 不是有效的公钥文件")


def test_truncated_base64_in_pem(tmp_path, pair):
    public = write_public_key(pair, tmp_path / "k.pub")
    _replace_line(public, "MCow", "MCowBQYDK2VwAyEA")
    with pytest.raises(IntegrityError) as excinfo:
        load_public_key(public)
    assert _code(excinfo) == "PUBLIC_KEY_FILE_INVALID"


def test_non_ed25519_keys_are_refused(tmp_path):
    ec = generate_private_key(SECP256R1())
    pem = ec.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    path = tmp_path / "ec.pub"
    path.write_bytes(b"Key-Id: ed25519:0000000000000000\nBatch-Id: x\n" + pem)
    with pytest.raises(IntegrityError, match="not Ed25519"):
        load_public_key(path)
    pem = ec.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    path = tmp_path / "ec.key"
    path.write_bytes(b"Key-Id: ed25519:0000000000000000\nBatch-Id: x\n" + pem)
    with pytest.raises(IntegrityError, match="not Ed25519"):
        load_private_key(path)


def test_encrypted_private_key_is_refused_clearly(tmp_path, pair):
    pem = pair.private_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.BestAvailableEncryption(b"pw")
    )
    path = tmp_path / "k.key"
    path.write_bytes(f"Key-Id: {pair.key_id}\nBatch-Id: x\n".encode() + pem)
    with pytest.raises(IntegrityError) as excinfo:
        load_private_key(path)
    assert _code(excinfo) == "PRIVATE_KEY_FILE_INVALID"


def test_missing_file(tmp_path):
    with pytest.raises(IntegrityError) as excinfo:
        load_private_key(tmp_path / "nope.key")
    assert _code(excinfo) == "KEY_FILE_MISSING"
    assert excinfo.value.message("zh") == f"找不到密钥文件 {tmp_path / 'nope.key'}。"


@pytest.mark.skipif(sys.platform == "win32" or os.geteuid() == 0, reason="root reads any file")
def test_unreadable_file(tmp_path, pair):
    public = write_public_key(pair, tmp_path / "k.pub")
    public.chmod(0)
    with pytest.raises(IntegrityError) as excinfo:
        load_public_key(public)
    assert _code(excinfo) == "KEY_FILE_UNREADABLE"
