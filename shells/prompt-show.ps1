# Shows the segment in front of your prompt (the wrapper above reads this flag).
$global:__cao_show_prompt = $true
