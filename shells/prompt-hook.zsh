# cao prompt hook for zsh (`cao init zsh --prompt` or `--prompt-hook`):
# keeps $CAO_PROMPT current in a precmd hook, added once.
\builtin typeset -ga precmd_functions # declared (kept as is when set) for no_unset shells
(( ${precmd_functions[(Ie)__cao_prompt_update]} )) || precmd_functions+=(__cao_prompt_update)
