"""`perfeval keygen`: create a batch's signing key pair (registered on the app in cli.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from perfeval_xl.integrity.errors import IntegrityError
from perfeval_xl.integrity.keys import generate_keypair, write_private_key, write_public_key


def keygen(
    batch: Annotated[str, typer.Option("--batch", help="批次编号，例如 2024-自评-01。")],
    private_out: Annotated[Path, typer.Option("--private-out", help="私钥文件路径（请放在项目目录以外、仅本人可访问的位置）。")],
    public_out: Annotated[Path, typer.Option("--public-out", help="公钥文件路径（建议以 .pub 结尾，可分发给核验人员）。")],
    force: Annotated[bool, typer.Option("--force", help="允许把私钥写在 Git 工作区内（不建议）。不会覆盖已有文件。")] = False,
) -> None:
    """生成一个批次的签名密钥对（Ed25519）。

    私钥用于给下发的工作簿签名，由财政部门离线保管；公钥用于核验回收的工作簿，可以公开分发。
    已存在的文件不会被覆盖。

    示例：perfeval keygen --batch 2024-01 --private-out ~/keys/2024-01.key --public-out keys/2024-01.pub
    """
    private_out, public_out = private_out.expanduser(), public_out.expanduser()
    try:
        pair = generate_keypair(batch)
        for path in (private_out, public_out):
            if path.exists():
                raise IntegrityError("KEY_FILE_EXISTS", path=path)
        write_private_key(pair, private_out, force=force)
        try:
            write_public_key(pair, public_out)
        except IntegrityError:
            private_out.unlink()  # a private key without its public half is of no use
            raise
    except IntegrityError as exc:
        typer.echo(f"错误：{exc.message('zh')}", err=True)
        raise typer.Exit(code=1) from None
    typer.echo(f"已生成批次“{pair.batch_id}”的签名密钥。")
    typer.echo(f"密钥编号：{pair.key_id}")
    typer.echo(f"私钥：{private_out}（仅本人可读；请离线妥善保管，切勿发给填报单位或放入共享目录、代码仓库）")
    typer.echo(f"公钥：{public_out}（分发给需要核验回收工作簿的人员）")
