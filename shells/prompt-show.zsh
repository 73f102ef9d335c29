# Shows the segment in RPROMPT without turning on prompt_subst (which would
# change how the rest of your prompt expands). RPROMPT is rebuilt before each
# prompt from the one you had; if something else changes RPROMPT, that
# becomes the new base, so the segment is never added twice.
__cao_rprompt() {
  \builtin emulate -L zsh
  [[ ${RPROMPT-} == "${__cao_rprompt_last-}" ]] || __cao_rprompt_base=${RPROMPT-}
  RPROMPT=${CAO_PROMPT:+"%F{cyan}${CAO_PROMPT//\%/%%}%f"}${__cao_rprompt_base:+ $__cao_rprompt_base}
  __cao_rprompt_last=$RPROMPT
}
\builtin typeset -ga precmd_functions # declared (kept as is when set) for no_unset shells
(( ${precmd_functions[(Ie)__cao_rprompt]} )) || precmd_functions+=(__cao_rprompt)
