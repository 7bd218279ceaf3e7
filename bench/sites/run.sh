#!/bin/sh
# Runs compare.py on every site of bench/sites/README.md and prints one Markdown report.
#   bench/sites/run.sh [SITES_DIR (default /tmp/sites)] [FEEDD (default build/feedd)]
# SITES_DIR holds the checkouts: nikaro/, howwtf/, jekyll/ (its docs/ is the site), jakevdp/.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
sites=${1:-/tmp/sites}
feedd=${2:-$here/../../build/feedd}
py=/usr/bin/python3
status=0
run() { "$py" "$here/compare.py" --feedd "$feedd" --adopt "$@" || status=1; echo; }
run --name "nikaro/blog (Hugo)" --generator hugo --site "$sites/nikaro" --config "$here/nikaro.feedd.yaml"
run --name "thomasgtaylor/how.wtf (Hugo)" --generator hugo --site "$sites/howwtf" --config "$here/howwtf.feedd.yaml" \
    --override "$here/howwtf.hugo-override.yaml"
run --name "jekyll/jekyll docs/_posts (Jekyll + jekyll-feed)" --generator jekyll --site "$sites/jekyll/docs" \
    --config "$here/jekyll-news.feedd.yaml" --override "$here/jekyll-news.jekyll-override.yml"
run --name "jakevdp/jakevdp.github.io-source (Pelican)" --generator pelican --site "$sites/jakevdp" \
    --config "$here/jakevdp.feedd.yaml"
exit $status
