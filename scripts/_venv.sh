# Sourced by scripts/test.sh and scripts/demo.sh: make sure .venv exists and holds
# this checkout installed in editable mode with its test extras.
#
# Sets REPO_ROOT and VENV_DIR. Reinstalls only when pyproject.toml changed since
# the last successful install (its SHA-256 is kept in a stamp file inside .venv),
# so a second run starts in well under a second. PYTHON overrides the interpreter.

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV_DIR="$REPO_ROOT/.venv"

_perfeval_venv_setup() {
    local python="${PYTHON:-python3}"
    local venv_python="$VENV_DIR/bin/python"
    local stamp="$VENV_DIR/.perfeval-pyproject.sha256"

    if ! command -v "$python" >/dev/null 2>&1; then
        echo "找不到 Python（$python）：请先安装 Python 3.11 或更高版本。" >&2
        return 1
    fi
    if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
        echo "需要 Python 3.11 或更高版本，当前是 $("$python" --version 2>&1)。" >&2
        return 1
    fi

    # A venv whose interpreter vanished (Python upgraded or removed) is rebuilt.
    if [[ -d "$VENV_DIR" ]] && ! "$venv_python" -c '' >/dev/null 2>&1; then
        echo "重建损坏的虚拟环境 $VENV_DIR" >&2
        rm -rf "$VENV_DIR"
    fi
    if [[ ! -d "$VENV_DIR" ]]; then
        echo "创建虚拟环境 $VENV_DIR" >&2
        if ! "$python" -m venv "$VENV_DIR"; then
            rm -rf "$VENV_DIR"
            echo "无法创建虚拟环境。Debian/Ubuntu 上请先安装：apt-get install python3-venv" >&2
            return 1
        fi
    fi

    local wanted installed=""
    wanted="$("$venv_python" -c 'import hashlib, sys; print(hashlib.sha256(open(sys.argv[1], "rb").read()).hexdigest())' "$REPO_ROOT/pyproject.toml")"
    [[ -f "$stamp" ]] && installed="$(<"$stamp")"
    if [[ "$wanted" != "$installed" ]]; then
        echo "安装依赖（首次运行需要几分钟）……" >&2
        "$venv_python" -m pip install -q --upgrade pip
        "$venv_python" -m pip install -q -e "$REPO_ROOT[test]"
        # Written last: an interrupted install is retried on the next run.
        echo "$wanted" >"$stamp"
    fi
}

_perfeval_venv_setup
