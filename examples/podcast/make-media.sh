#!/bin/sh
# Makes the example show's audio and artwork (nothing binary is committed): two short tones as MP3
# and Opus, and a 1400 x 1400 JPEG. Needs sox, lame and ffmpeg (Debian packages).
set -eu
cd "$(dirname "$0")/content"
sox -n -r 22050 -c 1 /tmp/feedd-example-a.wav synth 6 sine 440 fade 0.2 6 0.5
sox -n -r 22050 -c 1 /tmp/feedd-example-b.wav synth 9 sine 330 fade 0.2 9 0.5
lame --quiet -b 32 /tmp/feedd-example-a.wav episodes/001-foghorn.mp3
ffmpeg -nostdin -loglevel error -y -i /tmp/feedd-example-b.wav -c:a libopus -b:a 16k episodes/002-bells/bells.opus
ffmpeg -nostdin -loglevel error -y -f lavfi -i color=c=navy:s=1400x1400 -frames:v 1 show.jpg
rm -f /tmp/feedd-example-a.wav /tmp/feedd-example-b.wav
echo "made episodes/001-foghorn.mp3, episodes/002-bells/bells.opus and show.jpg"
