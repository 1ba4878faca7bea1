# bash completion for loadfix; installed to bash-completion's completionsdir.
# tests/e2e/docs.sh fails when an option of `loadfix --help` is missing here.
_loadfix()
{
    local cur prev
    cur=${COMP_WORDS[COMP_CWORD]}
    prev=${COMP_WORDS[COMP_CWORD-1]}
    local rules="ALL LF LF001 LF002 LF003 LF004 LF005 LF006 LF007 LF008 LF101 LF102 LF103 LF104 LF105 LF106"

    if [[ ${COMP_WORDS[1]} == inspect ]]; then
        case $prev in
            --output-format) COMPREPLY=($(compgen -W "text json" -- "$cur")); return ;;
            --torch-version) COMPREPLY=($(compgen -W "latest 1.13" -- "$cur")); return ;;
            --code) COMPREPLY=($(compgen -f -- "$cur")); return ;;
        esac
        if [[ $cur == -* ]]; then
            COMPREPLY=($(compgen -W "--output-format --torch-version --code --no-default-path --help -h" -- "$cur"))
        else
            COMPREPLY=($(compgen -f -- "$cur"))
        fi
        return
    fi

    case $prev in
        --select|--ignore) COMPREPLY=($(compgen -W "$rules" -- "$cur")); return ;;
        --explain) COMPREPLY=($(compgen -W "${rules/ LF / }" -- "$cur")); return ;;
        --output-format) COMPREPLY=($(compgen -W "text json sarif github" -- "$cur")); return ;;
        --sarif-category) return ;;
        --explain-format) COMPREPLY=($(compgen -W "text scdoc" -- "$cur")); return ;;
        --color) COMPREPLY=($(compgen -W "auto always never" -- "$cur")); return ;;
        --config|--stdin-filename) COMPREPLY=($(compgen -f -- "$cur")); return ;;
        --since|--exclude|--extend-exclude|--max-file-size|--threads|-j) return ;;
    esac
    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "--fix --unsafe-fixes --diff --select --ignore --since --no-default-path
            --exclude --extend-exclude --no-ignore --max-file-size --config --isolated --show-settings
            --output-format --sarif-category --statistics --partial --no-partial --stdin-filename --exit-zero --color --quiet -q --threads -j
            --explain --explain-format --version --help -h" -- "$cur"))
    elif [[ $COMP_CWORD == 1 ]]; then
        COMPREPLY=($(compgen -W "inspect server" -- "$cur") $(compgen -f -- "$cur"))
    else
        COMPREPLY=($(compgen -f -- "$cur"))
    fi
} &&
    complete -o filenames -F _loadfix loadfix
