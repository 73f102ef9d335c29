# shellcheck shell=bash
# cao prompt hook for bash (`cao init bash --prompt` or `--prompt-hook`):
# keeps $CAO_PROMPT current before each prompt. It goes first in
# PROMPT_COMMAND and returns the status it found, so the hooks after it (and
# a prompt that shows $?) still see the last command's exit status. bash 5.1+
# also accepts PROMPT_COMMAND as an array; both forms are handled, once.
__cao_prompt_command() {
  \builtin local __cao_status=$?
  __cao_prompt_update
  return "$__cao_status"
}

case " ${PROMPT_COMMAND[*]-} " in
*__cao_prompt_command*) ;;
*)
  # ${var@a} gives the attributes without forking `declare -p`; it exists from
  # bash 4.4 and the array form from 5.1, so older bash (macOS's 3.2) never
  # evaluates it.
  if [ -n "${PROMPT_COMMAND+set}" ] && [ "${BASH_VERSINFO[0]}" -ge 5 ] && [[ ${PROMPT_COMMAND@a} == *a* ]]; then
    PROMPT_COMMAND=(__cao_prompt_command "${PROMPT_COMMAND[@]}")
  else
    # The string form (shellcheck cannot know which form this is).
    # shellcheck disable=SC2128,SC2178
    PROMPT_COMMAND="__cao_prompt_command${PROMPT_COMMAND:+;$PROMPT_COMMAND}"
  fi
  ;;
esac
