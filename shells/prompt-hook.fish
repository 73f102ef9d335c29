# cao prompt hook for fish (`cao init fish --prompt` or `--prompt-hook`):
# keeps $CAO_PROMPT current. fish emits the fish_prompt event before it draws
# each prompt, so starship (or your fish_prompt) sees the new value.
function __cao_prompt_hook --on-event fish_prompt
    __cao_prompt_update
end
