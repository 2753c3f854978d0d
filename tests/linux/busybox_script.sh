# busybox_script.sh: a BusyBox ash workout for the Linux-binary tests (Tier 1).
#
# Run as `/bin/busybox ash /tests/busybox_script.sh` (tests/linux/cases.py,
# case bb_script). It works in /tmp/bbtest, which it creates and removes, and
# prints only what is the same on every run and every kernel: no times, no
# process ids, no user names, no block counts, no directory order (listings
# are sorted). Everything goes to stdout; where a command is expected to fail,
# its stderr is folded in with 2>&1 so the message is compared too.
#
# Applets that ash runs without exec (NOFORK/NOEXEC in BusyBox) run in the
# shell or a forked child; the others (cat, grep, sed, od, tr, uniq, wc, tail,
# tee, cmp, sleep) are exec'd as /bin/busybox (CONFIG_BUSYBOX_EXEC_PATH), so
# the kernel's execve is exercised too.

set -u
T=/tmp/bbtest
rm -rf "$T"
mkdir "$T" || exit 1
cd "$T" || exit 1
umask 022

section() {
    echo
    echo "== $1"
}

section "echo, printf, quoting"
echo plain words   with   spaces
echo "double quoted   spaces" 'single $quoted' \$escaped
printf '%s|%5s|%-5s|%05d|%x|%o|%c\n' abc ab ab 42 255 8 xyz
printf '%d%%\n' 100
echo -n "no newline"; echo " then one"
echo -e 'tab\there'

section "variables and parameter expansion"
name=world
echo "hello ${name}, ${#name} letters"
unset maybe
echo "default: ${maybe:-fallback} assign: ${maybe:=set-now} now: $maybe"
path=/usr/local/lib/libfoo.so.1
echo "${path##*/} ${path%/*} ${path#/usr/} ${path%.*}"
set -- one "two words" three
echo "argc $#: $1 / $2 / $3"
for a in "$@"; do echo "arg <$a>"; done
shift
echo "after shift: $*"

section "arithmetic"
i=7
echo $((i * 6)) $((i / 2)) $((i % 3)) $((1 << 10)) $((0x1f)) $((-5 + 2))
echo $((2 ** 62)) $(( (3 + 4) * (5 - 2) ))
: $((i += 3))
echo "i is $i"
echo "expr: $(expr 6 \* 7) $(expr length hello) $(expr 17 / 5) $(expr substr abcdef 2 3)"

section "loops"
n=0
while [ $n -lt 3 ]; do echo "while $n"; n=$((n + 1)); done
until [ $n -eq 0 ]; do n=$((n - 1)); done
echo "until done at $n"
for f in c a b; do printf '%s ' "$f"; done; echo
for x in $(seq 1 5); do
    [ $x -eq 2 ] && continue
    [ $x -eq 5 ] && break
    echo "for $x"
done
seq 3 -1 1 | while read -r v; do echo "read $v"; done

section "functions"
fact() {
    if [ "$1" -le 1 ]; then echo 1; return; fi
    local prev
    prev=$(fact $(($1 - 1)))
    echo $(($1 * prev))
}
echo "10! = $(fact 10)"
status() { return "$1"; }
status 3; echo "returned $?"
counter=0
bump() { counter=$((counter + 1)); }
bump; bump; bump
echo "counter $counter"

section "case"
for w in apple banana cherry 42 ""; do
    case "$w" in
        a*) echo "$w: starts with a" ;;
        *an*) echo "$w: has an" ;;
        [0-9]*) echo "$w: a number" ;;
        "") echo "(empty)" ;;
        *) echo "$w: something else" ;;
    esac
done

section "test and ["
[ -d "$T" ] && echo "is a dir"
[ ! -e "$T/none" ] && echo "none does not exist"
test abc = abc && echo "strings equal"
[ 10 -gt 9 ] && [ -n "x" ] && [ -z "" ] && echo "numbers and lengths"
if [ 1 -eq 2 ] || [ a != b ]; then echo "or works"; fi
[[ abc == a* ]] && echo "[[ pattern ]] works"

section "here-documents"
cat <<EOF
expanded: $name $((1 + 1))
EOF
cat <<'EOF'
literal: $name $((1 + 1))
EOF
cat <<-EOF
	tabs stripped
	EOF
while read -r a b; do echo "pair $b $a"; done <<EOF
1 one
2 two
EOF

section "redirections"
echo first > out.txt
echo second >> out.txt
cat < out.txt
ls /no/such/dir 2> err.txt; echo "ls status $?"
cat err.txt
{ echo group1; echo group2; } > grp.txt
wc -l < grp.txt
exec 3> fd3.txt
echo "via fd 3" >&3
exec 3>&-
cat fd3.txt
{ echo "to stdout, dropped"; echo "to stderr, kept" 1>&2; } 2>&1 1>sink.txt | cat
sh_out=$(echo captured; echo error-too 1>&2)
echo "captured: $sh_out"

section "pipelines and command substitution"
seq 1 10 | grep -v 5 | tr '\n' ' '; echo
echo "The Quick Brown Fox" | tr 'A-Z' 'a-z' | tr -d 'aeiou'
echo "a:b:c:d" | cut -d: -f2,4
echo "hello world" | sed 's/world/there/; s/^/>> /'
echo "nested: $(echo "inner $(echo deepest)")"
false | true; echo "pipeline status $?"
lines=$(printf 'x\ny\nz\n' | wc -l)
echo "lines: $lines"

section "files: mkdir, cp, mv, rm, ln -s"
mkdir -p a/b/c d
printf 'alpha\nbeta\ngamma\n' > a/one.txt
cp a/one.txt a/b/two.txt
cp -r a e
mv a/b/two.txt d/moved.txt
ln -s ../a/one.txt d/link.txt
cat d/link.txt | head -n 1
readlink d/link.txt
[ -L d/link.txt ] && echo "d/link.txt is a symlink"
touch a/b/c/empty
rm a/one.txt
[ -e d/link.txt ] || echo "dangling now"
rmdir a/b/c 2>&1 || echo "rmdir refused (not empty)"
rm -r e/b
ls -1 a a/b d e
find . -type f | sort
find . -type l | sort
find . -name '*.txt' -type f | sort
find . -maxdepth 1 -type d | sort
stat -c '%n %s %F %a' d/moved.txt a/b/c/empty

section "sort, uniq, wc, head, tail"
cat > words.txt <<EOF
pear
apple
fig
apple
banana
fig
apple
EOF
sort words.txt | uniq -c
sort -r words.txt | head -n 3
sort -u words.txt | tail -n 2
printf '10\n9\n100\n1\n' | sort -n | tr '\n' ' '; echo
printf 'b 2\na 3\nc 1\n' | sort -k2 -n
wc words.txt
wc -c < words.txt
grep -c apple words.txt
grep -n fig words.txt
grep -v -e apple -e fig words.txt
grep -E '^(pe|ba)' words.txt
grep -q banana words.txt && echo "grep -q found banana"

section "sed"
sed -n '2,4p' words.txt
sed '/apple/d' words.txt | tr '\n' ,; echo
sed -e 's/a/A/g' -e '1i\
first line' words.txt | head -n 3
printf 'one two\n' | sed -E 's/([a-z]+) ([a-z]+)/\2 \1/'

section "checksums and od"
printf 'abc' > abc.txt
md5sum abc.txt
sha256sum abc.txt
printf 'hello\n' | md5sum
seq 1 1000 > big.txt
md5sum big.txt
sha256sum big.txt | cut -c1-16
printf 'AB\001\377' | od -b
printf 'hi\n' | od -c
od -x abc.txt

section "xargs, seq, tr, cut"
seq 1 5 | xargs echo nums:
printf 'x y\nz\n' | xargs -n 1 echo item
find d -type f | sort | xargs wc -l
seq -s , 1 5
seq 0 5 20 | tr '\n' ' '; echo
echo "a-b-c" | tr '-' '\n' | sort -r | tr '\n' ' '; echo
printf 'name,age\nann,31\nbob,27\n' | cut -d, -f1 | tail -n 2
echo "hello" | cut -c2-4

section "basename, dirname, env, uname, true and false"
basename /a/b/file.tar.gz .gz
dirname /a/b/file.tar.gz
env -i FOO=bar env
uname -s
uname -m
true && echo "true is true"
false || echo "false is false"
printf '%s\n' "$(pwd)"
cd d && pwd && cd ..
date -u -d @86400 '+%Y-%m-%d %H:%M:%S'

section "exit statuses"
sh -c 'exit 7'; echo "sh -c exit 7 -> $?"
(exit 3); echo "subshell exit 3 -> $?"
cat /no/such/file 2>&1; echo "cat missing -> $?"
grep nomatch words.txt; echo "grep nomatch -> $?"
cmp abc.txt words.txt > cmp.txt 2>&1; echo "cmp differ -> $?"

section "cleanup"
cd /
rm -rf "$T"
[ -e "$T" ] || echo "removed $T"
echo "done"
