"""Git hooks and settings that keep a ledger repository's progress log append-only.

``install`` writes a pre-commit and a pre-merge-commit hook (a merge commit does not run
pre-commit) that call ``zctasks hooks run`` from the PATH — no machine's paths are written
into them, so every clone can install the same hooks — and makes sure ``.gitattributes``
merges month files line by line (``merge=union``), and that a plain ``git pull`` merges
(``pull.rebase false``) instead of stopping to ask how. ``staged_problems`` is what the hooks
run: a commit may add progress lines, never edit or delete one, and may not carry
conflict markers.
"""

from __future__ import annotations

import re
from pathlib import Path

from zctasks.files import gitops
from zctasks.files.errors import UsageError

MARKER = "# zctasks hook"
HOOKS = ("pre-commit", "pre-merge-commit")
UNION_RULE = "data/progress/*.yaml merge=union"
URGES_RULE = "data/urges/*.yaml merge=union"
GITATTRIBUTES = f"""\
# Two analysts appending progress (or issuing 催办单) merge without conflict:
# every entry is one line, so a union merge keeps both sides whole.
{UNION_RULE}
{URGES_RULE}
"""
APPEND_ONLY = ("data/progress/", "data/urges/")
"""The logs whose recorded lines a commit may not edit or delete."""
IGNORED = (
    "data/progress/.zctasks.lock",
    "data/progress/.tmp-*",
    "data/.zctasks.lock",
    "data/.tmp-*",
    "/报送表/",
    "/收回/",
)
"""What git leaves out: the lock and temporaries, and the folders of sheets sent to units
and returned by them that the manual uses (what counts is recorded in data/progress)."""
HOOK_SCRIPT = """\
#!/bin/sh
{marker} ({name}), written by `zctasks hooks install`.
# Refuses a commit that edits or deletes recorded progress, carries merge conflict
# markers, or leaves the ledger invalid. Bypass once with `git commit --no-verify`.
if command -v zctasks >/dev/null 2>&1; then
  exec zctasks hooks run {name}
fi
for python in python3 python; do
  if command -v "$python" >/dev/null 2>&1 && "$python" -c "import zctasks" 2>/dev/null; then
    exec "$python" -m zctasks hooks run {name}
  fi
done
echo "zctasks 钩子：找不到 zctasks 命令，无法检查这次提交。" >&2
echo "请先激活安装了 zctasks 的环境再提交（跳过检查：git commit --no-verify）。" >&2
exit 1
"""
_CONFLICT = re.compile(r"^(<{7}|={7}|>{7})( |$)")


def install(root: Path, force: bool = False) -> list[str]:
    """Install the hooks and the merge rule; returns what was done, in Chinese."""
    gitops.require_repository(root)
    done: list[str] = []
    folder = gitops.git_path(root, "hooks")
    folder.mkdir(parents=True, exist_ok=True)
    for name in HOOKS:
        path = folder / name
        script = HOOK_SCRIPT.format(marker=MARKER, name=name)
        if path.exists():
            current = path.read_text("utf-8", errors="replace")
            if current == script:
                continue
            if MARKER not in current:
                if not force:
                    raise UsageError(
                        f"{path} 已有其他钩子，没有覆盖",
                        "把 zctasks hooks run "
                        + name
                        + " 加进现有钩子，或用 --force 覆盖（原文件另存为 .orig）",
                    )
                path.replace(path.with_name(name + ".orig"))
                done.append(f"原有钩子另存为 {name}.orig")
        path.write_text(script, "utf-8")
        path.chmod(0o755)
        done.append(f"已安装钩子 {name}")
    done += _ensure_lines(root / ".gitattributes", GITATTRIBUTES, (UNION_RULE, URGES_RULE))
    done += _ensure_lines(root / ".gitignore", "", IGNORED)
    if gitops.local_config(root, "pull.rebase", "false"):
        done.append("已设置 git pull 时合并（pull.rebase false），进展文件按行合并")
    return done


def _ensure_lines(path: Path, template: str, lines: tuple[str, ...]) -> list[str]:
    """Append the lines a file lacks (a new file starts from ``template``)."""
    text = path.read_text("utf-8") if path.exists() else ""
    missing = [line for line in lines if line not in text.splitlines()]
    if not missing:
        return []
    if not text:
        text = template
    elif not text.endswith("\n"):
        text += "\n"
    text += "".join(line + "\n" for line in missing if line not in text.splitlines())
    path.write_text(text, "utf-8")
    return [f"已在 {path.name} 中写入 {'、'.join(missing)}"]


def setup_problems(root: Path) -> list[str]:
    """What a ledger repository that records progress lacks for safe merges: the union
    rule, the hooks. (A repository without progress, such as zctasks' own, is not told.)"""
    from zctasks.log.progress import progress_files

    if not (root / ".git").exists() or not progress_files(root):
        return []
    problems = []
    attribute = gitops.check_attr(root, "merge", "data/progress/2023-01.yaml")
    if attribute != "union":
        problems.append(
            "进展文件没有设置按行合并（.gitattributes 中缺少 data/progress/*.yaml merge=union），"
            "两人同时记录后合并会出现冲突标记；运行 zctasks hooks install 补上"
        )
    hook = gitops.git_path(root, "hooks") / "pre-commit"
    if not hook.exists() or MARKER not in hook.read_text("utf-8", errors="replace"):
        problems.append(
            "本仓库没有安装 zctasks 的提交检查钩子（克隆的仓库不带钩子）；运行 zctasks hooks install"
        )
    return problems


def staged_problems(root: Path) -> list[str]:
    """Why the staged change may not be committed: edited or deleted progress lines, or
    conflict markers in the ledger's data."""
    problems: list[str] = []
    diff = gitops.staged_diff(root, "data")
    path = ""
    removed: dict[str, list[str]] = {}
    for line in diff.splitlines():
        if line.startswith("+++ ") or line.startswith("--- "):
            name = line[4:]
            if name != "/dev/null":
                path = name[2:] if name[:2] in ("a/", "b/") else name
            continue
        if line.startswith("+") and _CONFLICT.match(line[1:]):
            problems.append(f"{path} 含有 git 合并冲突标记“{line[1:8]}”：请先解决冲突")
        elif line.startswith("-") and path.startswith(APPEND_ONLY):
            content = line[1:]
            if content.strip() and not content.lstrip().startswith("#"):
                removed.setdefault(path, []).append(content)
    for path, lines in removed.items():
        staged = gitops.staged_text(root, path).splitlines()
        for content in lines:
            if content in staged:  # one of two identical lines, as a merge can leave
                staged.remove(content)
                continue
            problems.append(
                f"{path}：这次提交会修改或删除已记录的{'催办单' if 'urges' in path else '进展'}：{content[:60]}"
                + ("…" if len(content) > 60 else "")
            )
    if any("已记录的" in p for p in problems):
        problems.append(
            "进展记录只能追加：改正用 zctasks progress fix，撤销用 zctasks progress void；"
            "用 git checkout -- data/progress 恢复被改动的行"
        )
    return problems
