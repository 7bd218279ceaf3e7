// Runs Mozilla's Readability (with jsdom) on each page given: one JSON line per page with what it
// found. Used by bench/html_vs_readability.py; the packages are installed at run time into a
// build folder (never committed).
import { readFileSync } from "node:fs";
import { JSDOM, VirtualConsole } from "jsdom";
import { Readability } from "@mozilla/readability";

for (const file of process.argv.slice(2)) {
    const out = { file };
    try {
        // A Buffer: jsdom sniffs the charset (BOM, <meta>) as a browser does.
        const dom = new JSDOM(readFileSync(file), {
            contentType: "text/html",
            virtualConsole: new VirtualConsole(),
        });
        const article = new Readability(dom.window.document).parse();
        if (article) {
            out.title = article.title ?? "";
            out.byline = article.byline ?? "";
            out.published = article.publishedTime ?? "";
            out.text = article.textContent ?? "";
            out.lang = article.lang ?? "";
        }
    } catch (e) {
        out.error = String(e);
    }
    process.stdout.write(JSON.stringify(out) + "\n");
}
