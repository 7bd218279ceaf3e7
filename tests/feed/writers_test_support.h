// A feed with every field set, for the writer tests.
#pragma once

#include "feed/feed.h"
#include "feed/feed_test_support.h"

namespace feedd::test {

inline Feed sample_feed() {
    Feed feed;
    feed.title = "News & <Views>";
    feed.description = "All the \"news\"";
    feed.language = "en";
    feed.urls = {"https://news.example.org/", "https://news.example.org/feed.xml",
                 "https://news.example.org/atom.xml", "https://news.example.org/feed.json", ""};
    feed.updated = at(2024, 4, 5, 12, 20, 0);

    Entry a;
    a.id = "https://news.example.org/world/space/";
    a.link = "https://news.example.org/world/space/";
    a.title = "Rockets <b>&</b> \"moons\"";
    a.published = at(2024, 4, 5, 12, 20, 0);
    a.updated = at(2024, 4, 5, 12, 20, 0);
    a.author = {"Ada Lovelace", "ada@example.org"};
    a.categories = {"space", "Science"};
    a.summary = "Summary with <tags> & ampersands";
    a.content_html = "<p>Body <a href=\"https://news.example.org/x\">link</a></p>";
    a.image = "https://news.example.org/img/rocket.jpg";
    a.lang = "fr";
    a.enclosure = Enclosure{"https://news.example.org/a.mp3", 1234, "audio/mpeg", "", std::nullopt};

    Entry b;
    b.id = "tag:news.example.org,2024:b";
    b.link = "https://news.example.org/b/";
    b.title = "Plain";
    b.published = at(2024, 1, 9, 8, 5, 3);
    b.updated = at(2024, 2, 29, 23, 59, 59);
    b.author = {"Grace Hopper", ""};
    b.summary = "Only a summary";

    feed.entries = {a, b};
    return feed;
}

}  // namespace feedd::test
