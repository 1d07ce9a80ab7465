# Inputs of the hostile-input catalogue's second round (docs/errors.md), made in the fixture
# folder by ErrorCatalogueTests. $CLIP is the 3.3 s sample, $OPUS the same as FFmpeg writes Ogg Opus.
set -e
CLIP="$1"
OPUS="$2"
# espeak-ng counting fast: tiny.en's transcript loops to the 224-token cap.
espeak-ng -s 350 -w count-full.wav "$(seq 1 150 | tr '\n' ' ')"; sox count-full.wav count.wav trim 0 29; rm count-full.wav
# A fifth of a second of speech: a transcript of one token.
sox "$CLIP" short-0.2.wav trim 0 0.2
# Truncated and corrupted FLAC and Ogg, whose headers still give the full length.
sox "$CLIP" full.flac; head -c 30000 full.flac > trunc.flac; cp full.flac corrupt.flac
dd if=/dev/zero of=corrupt.flac bs=1 seek=20000 count=400 conv=notrunc 2>/dev/null
sox "$CLIP" full.ogg; head -c 8000 full.ogg > trunc.ogg
head -c 15000 "$OPUS" > trunc.opus; head -c 1000 "$OPUS" > head.opus; cp "$OPUS" corrupt.opus
dd if=/dev/zero of=corrupt.opus bs=1 seek=12000 count=400 conv=notrunc 2>/dev/null
# A WAV whose data chunk claims 1000 bytes (offset 40 is its size field).
cp "$CLIP" short-header.wav; printf '\350\003\000\000' | dd of=short-header.wav bs=1 seek=40 conv=notrunc 2>/dev/null
# MP3 (libsndfile's mpg123) cut short, and with 3000 bytes zeroed: mpg123 wrote its own notes on stderr.
MP3="$(dirname "$OPUS")/../mp3/sense-and-sensibility-0930.mp3"
head -c 10000 "$MP3" > trunc.mp3; head -c 600 "$MP3" > tiny.mp3; cp "$MP3" damaged.mp3
dd if=/dev/zero of=damaged.mp3 bs=1 seek=8000 count=3000 conv=notrunc 2>/dev/null
# The start of an MP4 container (`ftyp` at byte 4): libsndfile reads none, whatever its name.
printf '\000\000\000\040ftypM4A \000\000\000\000' > song.m4a; cp song.m4a song.bin
# A WAV cut off inside its header, before its data chunk.
head -c 30 "$CLIP" > header-cut.wav
# Odd names and links.
ln -s loop-b.wav loop-a.wav; ln -s loop-a.wav loop-b.wav; ln -s gone.wav dangling.wav
cp "$CLIP" ./-take2.wav; cp "$CLIP" "$(printf '\377').wav"
# A data set naming one clip twice; scripts onto a device, through a link, with CRLF.
printf 'path\tlabel\n%s\ta\n%s\tb\n%s\ta\n' "$CLIP" "$CLIP" "$CLIP" > dup.tsv
printf ':export lens tsv /dev/full\n' > devfull.script
printf 'older\n' > target.tsv; ln -s target.tsv link.tsv; printf ':export! lens tsv %s/link.tsv\n' "$PWD" > link.script
# An export onto a file that is there, without `!`.
printf 'my notes\n' > keep.tsv; printf ':export lens tsv %s/keep.tsv\n' "$PWD" > keep.script
printf ':export lens tsv %s/a1.tsv\r\n:export encoder-lens tsv %s/a2.tsv\r\n' "$PWD" "$PWD" > crlf.script
# An explorer session to replay whose third line is bad.
printf '# a session\n:patch enc.0.resid_post@0:10=zero\n:layer 99\n:patch enc.1.resid_post@0:10=zero\n' > bad.session
yes ':layer 1' | head -n 2001 > big.session
printf '# asrlens session\n# model: base\n:layer 1\n' > base.session
# Part files for merge: good ones, one with a negative WER, one with a cell outside the sweep,
# one with CRLF line ends, and probe parts with ragged and short feature rows and a good one.
head='"model":"tiny.en","clip":"clip.wav","source":"zero","planned_cells":2,"clean_layers":8,"reference_layers":0,"component":"resid_post","window":100'
cell() { printf '{"cell":%s,"layer":%s,"start":0,"end":100,"patch":"enc.%s.resid_post@0:100=zero","wer":%s,"mean_abs_delta":0.25,"repetition":false,"text":" hello","layers_evaluated":4}' "$1" "$2" "$2" "$3"; }
part() { printf '{"asrlens_part":"sweep","shard":%s,"of":2,%s}%b%s%b{"end":true,"seconds":1.0}%b' "$1" "$head" "$3" "$2" "$3" "$3"; }
part 0 "$(cell 0 0 0.5)" '\n' > sweep-0.part
part 1 "$(cell 1 1 -7.5)" '\n' > sweep-1-badwer.part
part 1 "$(cell 7 1 0.5)" '\n' > sweep-1-outside.part
part 1 "$(cell 1 1 0.5)" '\r\n' > sweep-1-crlf.part
probe() { printf '{"asrlens_part":"probe","shard":0,"of":1,"label":"g","side":"enc","folds":2,"model":"tiny.en","data":"set.tsv","rows":4}\n'
  printf '{"row":0,"label":"a","extracted":true,"features":[[0.1,0.2],[0.3,0.4]]}\n{"row":1,"label":"b","extracted":true,"features":%s}\n' "$1"
  printf '{"row":2,"label":"a","extracted":true,"features":[[0.1,0.3],[0.2,0.4]]}\n{"row":3,"label":"b","extracted":true,"features":[[0.5,0.1],[0.9,0.4]]}\n'
  printf '{"end":true,"seconds":1.0}\n'; }
probe '[[0.5,0.6],[0.7]]' > probe-ragged.part
probe '[[0.5,0.6]]' > probe-short.part
probe '[[0.5,0.6],[0.7,0.8]]' > probe-ok.part
: > empty.part
head -c 150 probe-ok.part > probe-cut.part
printf 'path\tlabel\na.wav\tx\nb.wav\ty\n' > labels.tsv
printf 'path\tlabel\tlabel\na.wav\tx\ty\n' > dupcol.tsv
printf 'path\tlabel\tspeaker\na.wav\tx\ts1\nb.wav\ty\t\nc.wav\tx\ts2\nd.wav\ty\ts1\n' > blank-speaker.tsv
mkdir -p tsv-folder && cp labels.tsv tsv-folder/sentences.tsv
# Tensor files for file: patch sources: safetensors whose header is truncated, larger than the
# file, points outside the data, has an unknown dtype or a shape that does not fill its bytes;
# a NaN row, and a tensor of the wrong width.
st() { printf "$(printf '\\%03o' $(( ${#1} )) 0 0 0 0 0 0 0)%s" "$1"; head -c "$2" /dev/zero; }
st '{"v":{"dtype":"F32","sha' 0 > trunc.safetensors
printf '\377\377\000\000\000\000\000\000{}' > huge-header.safetensors
printf 'path\tlabel\na.wav\tx\n' > labels.safetensors; cp labels.safetensors labels.npz
st '{"v":{"dtype":"F32","shape":[384],"data_offsets":[0,1536]}}' 100 > outside.safetensors
st '{"v":{"dtype":"Q4","shape":[384],"data_offsets":[0,1536]}}' 1536 > dtype.safetensors
st '{"v":{"dtype":"F32","shape":[383],"data_offsets":[0,1536]}}' 1536 > shape.safetensors
st '{"v":{"dtype":"F32","shape":[384],"data_offsets":[0,1536]}}' 0 > nan.safetensors; for i in $(seq 384); do printf '\000\000\300\177'; done >> nan.safetensors
st '{"v":{"dtype":"F32","shape":[64],"data_offsets":[0,256]}}' 256 > narrow.safetensors
