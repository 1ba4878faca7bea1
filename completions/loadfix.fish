# fish completion for loadfix; installed to $datadir/fish/vendor_completions.d.
# tests/e2e/docs.sh fails when an option of `loadfix --help` is missing here.
set -l rules ALL LF LF001 LF002 LF003 LF004 LF005 LF006 LF007 LF008 LF101 LF102 LF103 LF104 LF105 LF106
set -l main 'not __fish_seen_subcommand_from inspect'
set -l inspect '__fish_seen_subcommand_from inspect'

complete -c loadfix -n "__fish_use_subcommand" -a inspect -d 'say what a checkpoint needs to load with weights_only=True'
complete -c loadfix -n $main -l fix -d 'apply safe fixes in place'
complete -c loadfix -n $main -l unsafe-fixes -d 'also apply or show unsafe fixes'
complete -c loadfix -n $main -l diff -d 'print a unified diff of the fixes'
complete -c loadfix -n $main -l select -x -a "$rules" -d 'check only these rules'
complete -c loadfix -n $main -l ignore -x -a "$rules" -d 'do not check these rules'
complete -c loadfix -n $main -l since -x -d 'check only the files changed since a git revision'
complete -c loadfix -n $main -l no-default-path -d 'with no PATH, check nothing'
complete -c loadfix -n $main -l exclude -x -d 'exclusions replacing the defaults'
complete -c loadfix -n $main -l extend-exclude -x -d 'exclusions added to the defaults'
complete -c loadfix -n $main -l no-ignore -d 'do not skip what git ignores'
complete -c loadfix -n $main -l max-file-size -x -d 'skip larger files'
complete -c loadfix -n $main -l config -r -F -d 'read [tool.loadfix] from FILE'
complete -c loadfix -n $main -l isolated -d 'ignore all configuration files'
complete -c loadfix -n $main -l show-settings -d 'print the resolved settings as JSON'
complete -c loadfix -n $main -l output-format -x -a 'text json sarif github' -d 'report format'
complete -c loadfix -n $main -l sarif-category -x -d "the SARIF run's code scanning category"
complete -c loadfix -n $main -l statistics -d 'print counts per rule'
complete -c loadfix -n $main -l stdin-filename -r -F -d 'name standard input in reports'
complete -c loadfix -n $main -l exit-zero -d 'exit 0 even when findings remain'
complete -c loadfix -n $main -l color -x -a 'auto always never' -d 'colour the text report'
complete -c loadfix -n $main -s q -l quiet -d 'print findings only'
complete -c loadfix -n $main -s j -l threads -x -d 'worker threads'
complete -c loadfix -n $main -l explain -x -a "$rules[1] $rules[3..-1]" -d "print a rule's documentation"
complete -c loadfix -n $main -l explain-format -x -a 'text scdoc' -d 'documentation format'
complete -c loadfix -n $main -l version -d 'print the version'
complete -c loadfix -n $main -s h -l help -d 'print the help'

complete -c loadfix -n $inspect -l output-format -x -a 'text json' -d 'report format'
complete -c loadfix -n $inspect -l torch-version -x -a 'latest 1.13' -d 'allow-list to judge by'
complete -c loadfix -n $inspect -l code -r -F -d 'list the torch.load calls under PATH'
complete -c loadfix -n $inspect -l no-default-path -d 'with no checkpoint, exit 0'
complete -c loadfix -n $inspect -s h -l help -d 'print the help'
