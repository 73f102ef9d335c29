# shellcheck shell=bash
# Shows the segment at the start of PS1, once however often this is sourced.
# The single quotes are on purpose: PS1 expands $CAO_PROMPT at each prompt.
# shellcheck disable=SC2016
case ${PS1-} in
*'${CAO_PROMPT'*) ;;
*) PS1='${CAO_PROMPT:+($CAO_PROMPT) }'"${PS1-}" ;;
esac
