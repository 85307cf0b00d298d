# bash completion for sendsim, installed by `make install` as
# PREFIX/share/bash-completion/completions/sendsim. Commands are listed here; each command's
# options are read from its own help (`sendsim help CMD`), so they never fall out of date.
_sendsim() {
    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
    local cmds="run compare export plot report init calibrate backtest validate keys help"
    if [ "$COMP_CWORD" -eq 1 ]; then
        mapfile -t COMPREPLY < <(compgen -W "$cmds --help --version" -- "$cur")
        return
    fi
    local cmd=${COMP_WORDS[1]}
    if [ "$cmd" = help ]; then
        mapfile -t COMPREPLY < <(compgen -W "$cmds" -- "$cur")
        return
    fi
    case $prev in
        --format|-f) mapfile -t COMPREPLY < <(compgen -W "png svg" -- "$cur"); return ;;
        --templates) mapfile -t COMPREPLY < <(compgen -d -- "$cur"); return ;;
        --replications|-n|--seed|-s|--threads|-j|--from|--as-of|--start|--end|--history-from|\
        --particles|--simulations|--la|--title) return ;;
    esac
    if [[ $cur == -* ]]; then
        local opts
        opts=$("${COMP_WORDS[0]}" help "$cmd" 2>/dev/null | grep -oE -- '--[a-z][a-z0-9-]*' | sort -u)
        mapfile -t COMPREPLY < <(compgen -W "$opts" -- "$cur")
        return
    fi
    mapfile -t COMPREPLY < <(compgen -f -- "$cur")
}
complete -o filenames -F _sendsim sendsim
