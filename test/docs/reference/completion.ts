/**
 * packaging/completion/rolewatch.bash and _rolewatch: bash and zsh completion of the commands,
 * their verbs, every flag each takes, and the values of a flag that has few or names a path.
 */
import { spellings, takesPath, type CommandDoc, type FlagDoc } from "./commands.js";

const HEADER = "Written by npm run docs from the commands and the configuration table (src/config/options.ts).";

/** A case pattern of every value-taking flag that completes the same way. */
function valueCases(commands: readonly CommandDoc[]): string[] {
  const flags = new Map<string, FlagDoc>();
  for (const c of commands) for (const f of c.flags) if (f.parser.kind === "value") flags.set(f.name, f);
  const byWords = new Map<string, string[]>();
  for (const f of flags.values()) {
    const words = takesPath(f) ? "-f" : f.parser.choices ? `-W "${f.parser.choices.join(" ")}"` : "";
    byWords.set(words, [...(byWords.get(words) ?? []), `--${f.name}`]);
  }
  return [...byWords].map(([words, names]) => {
    const reply = words === "" ? "COMPREPLY=()" : `COMPREPLY=($(compgen ${words} -- "$cur"))`;
    return `    ${names.join("|")}) ${reply}; return ;;`;
  });
}

export function bashCompletion(commands: readonly CommandDoc[]): string {
  const cases = commands.map((c) => {
    const verbs = c.verbs.length === 0 ? "" : `\n      if ((COMP_CWORD == 2)); then COMPREPLY=($(compgen -W "${c.verbs.join(" ")}" -- "$cur")); return; fi`;
    return `    ${c.name})${verbs}\n      words="--help ${c.flags.flatMap(spellings).join(" ")}" ;;`;
  });
  return `# bash completion for rolewatch(1). ${HEADER}
_rolewatch() {
  local cur=\${COMP_WORDS[COMP_CWORD]} prev=\${COMP_WORDS[COMP_CWORD-1]} words
  if ((COMP_CWORD == 1)); then
    COMPREPLY=($(compgen -W "${commands.map((c) => c.name).join(" ")} --help --version" -- "$cur"))
    return
  fi
  case $prev in
${valueCases(commands).join("\n")}
  esac
  case \${COMP_WORDS[1]} in
${cases.join("\n")}
    *) return ;;
  esac
  COMPREPLY=($(compgen -W "$words" -- "$cur"))
}
complete -F _rolewatch rolewatch
`;
}

/** A zsh _arguments description: the help's first sentence, without the characters _arguments reads. */
function described(text: string): string {
  const first = (text.split(/(?<=\.) /)[0] ?? "").replace(/\.$/, "");
  return first.replace(/`/g, "").replace(/[[\]:\\']/g, (c) => (c === "'" ? "'\\''" : `\\${c}`));
}

function zshSpec(f: FlagDoc): string[] {
  const about = described(f.help);
  if (f.parser.kind === "switch") return [`'--${f.name}[${about}]'`, `'--no-${f.name}[${about}]'`];
  const action = takesPath(f) ? "_files" : f.parser.choices ? `(${f.parser.choices.join(" ")})` : " ";
  return [`'--${f.name}=[${about}]:${f.parser.metavar}:${action}'`];
}

export function zshCompletion(commands: readonly CommandDoc[]): string {
  const list = commands.map((c) => `    '${c.name}:${described(c.summary)}'`);
  const cases = commands.map((c) => {
    const verbs = c.verbs.length === 0 ? "" : ` '1:verb:(${c.verbs.join(" ")})'`;
    return `    ${c.name}) _arguments -S${verbs} \\\n      ${c.flags.flatMap(zshSpec).join(" \\\n      ")} ;;`;
  });
  return `#compdef rolewatch
# zsh completion for rolewatch(1). ${HEADER}
_rolewatch() {
  local -a commands
  commands=(
${list.join("\n")}
  )
  if ((CURRENT == 2)); then
    _describe command commands
    return
  fi
  shift words
  ((CURRENT--))
  case $words[1] in
${cases.join("\n")}
  esac
}
_rolewatch "$@"
`;
}
