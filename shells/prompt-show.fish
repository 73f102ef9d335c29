# Shows the segment in the right prompt. Your fish_right_prompt, if any, is
# kept once as __cao_user_right_prompt (so sourcing this again does not wrap
# it twice) and still runs after the segment, with the same $status.
# set_color is a builtin: no fork.
if not functions -q __cao_user_right_prompt
    if functions -q fish_right_prompt
        functions -c fish_right_prompt __cao_user_right_prompt
    else
        function __cao_user_right_prompt
        end
    end
end

function fish_right_prompt
    set -l last_status $status
    if test -n "$CAO_PROMPT"
        set_color cyan
        echo -n "$CAO_PROMPT "
        set_color normal
    end
    # Hand your right prompt the status it would have seen without cao.
    __cao_return $last_status
    __cao_user_right_prompt
end

function __cao_return
    return $argv[1]
end
