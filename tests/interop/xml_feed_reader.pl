#!/usr/bin/perl
# Reads an RSS or Atom file with Perl's XML::Feed (Debian: libxml-feed-perl) and prints what it
# understood as JSON: {"format", "title", "entries": [{title, link, id, published, updated,
# categories}]}, dates as Unix seconds so the C++ test compares them exactly.
# XML::Feed reads RSS and Atom only (no JSON Feed).
#
# Usage: xml_feed_reader.pl FILE
use strict;
use warnings;
use JSON::PP;
use XML::Feed;

# XML::Atom (behind XML::Feed's Atom reader) returns UTF-8 bytes unless asked for characters;
# XML::RSS already returns characters. Without this, "Türkiye" would be double-encoded on output.
$XML::Atom::ForceUnicode = 1;

my $path = shift @ARGV or die "usage: $0 FILE\n";
my $feed = XML::Feed->parse($path) or die "XML::Feed: " . XML::Feed->errstr . "\n";

sub epoch { my ($dt) = @_; return defined $dt ? $dt->epoch + 0 : undef; }
# XML::Feed hands back Perl character strings; JSON::PP->utf8 encodes them once on output.
sub text { my ($value) = @_; return defined $value ? "$value" : undef; }

my @entries;
for my $entry ($feed->entries) {
    push @entries, {
        title      => text($entry->title),
        link       => text($entry->link),
        id         => text($entry->id),
        published  => epoch($entry->issued),
        updated    => epoch($entry->modified),
        categories => [ map { "$_" } $entry->category ],
    };
}
print JSON::PP->new->utf8->canonical->encode({
    format  => $feed->format,
    title   => text($feed->title),
    entries => \@entries,
}), "\n";
