// A small emoji set for the picker: the ones people actually reach for, with
// names to search by. Each entry is "emoji name words", entries split by "|".

const DATA: [string, string][] = [
  [
    "Smileys",
    "😀 grinning|😃 smiley|😄 smile|😁 grin|😆 laughing|😅 sweat smile|🤣 rofl|😂 joy tears|🙂 slight smile|🙃 upside down|😉 wink|😊 blush|😇 innocent halo|🥰 hearts love|😍 heart eyes|🤩 star struck|😘 kiss|😋 yum|😛 tongue|😜 wink tongue|🤪 zany|🤑 money|🤗 hug|🤭 hand over mouth|🤫 shush|🤔 thinking|🤐 zipper mouth|🤨 raised eyebrow|😐 neutral|😑 expressionless|😶 no mouth|😏 smirk|😒 unamused|🙄 eye roll|😬 grimace|😌 relieved|😔 pensive|😪 sleepy|🤤 drool|😴 sleeping|😷 mask|🤒 sick|🤕 hurt|🤢 nauseated|🤮 vomit|🥵 hot|🥶 cold|🥴 woozy|😵 dizzy|🤯 mind blown|🤠 cowboy|🥳 party|😎 cool sunglasses|🤓 nerd|🧐 monocle|😕 confused|😟 worried|🙁 frown|😮 open mouth wow|😯 hushed|😲 astonished|😳 flushed|🥺 pleading|😦 frowning|😧 anguished|😨 fearful|😰 anxious|😥 sad relieved|😢 cry|😭 sob|😱 scream|😖 confounded|😣 persevere|😞 disappointed|😓 sweat|😩 weary|😫 tired|🥱 yawn|😤 triumph|😡 pout angry|😠 angry|🤬 cursing|😈 devil smile|💀 skull|💩 poop|🤡 clown|👻 ghost|👽 alien|🤖 robot|😺 cat smile|😹 cat joy|😻 cat heart eyes",
  ],
  [
    "People",
    "👋 wave|🤚 raised back hand|✋ hand|🖖 vulcan|👌 ok|🤌 pinched|🤏 pinch|✌️ victory peace|🤞 fingers crossed|🤟 love you|🤘 rock|🤙 call me|👈 left|👉 right|👆 up|👇 down|☝️ point up|👍 thumbs up yes|👎 thumbs down no|✊ fist|👊 punch|🤛 left fist|🤜 right fist|👏 clap|🙌 raised hands|👐 open hands|🤲 palms|🤝 handshake|🙏 pray thanks please|✍️ writing|💪 muscle strong|🧠 brain|👀 eyes look|👁️ eye|👅 tongue|👄 lips|👶 baby|🧒 child|👦 boy|👧 girl|🧑 person|👨 man|👩 woman|🧓 older person|🙋 raising hand|🙇 bow|🤦 facepalm|🤷 shrug|💁 tipping hand|🙅 no gesture|🙆 ok gesture|🧑‍💻 technologist coder|🕺 dance man|💃 dance woman|🏃 run|🚶 walk",
  ],
  [
    "Nature",
    "🐶 dog|🐱 cat|🐭 mouse|🐹 hamster|🐰 rabbit|🦊 fox|🐻 bear|🐼 panda|🐨 koala|🐯 tiger|🦁 lion|🐮 cow|🐷 pig|🐸 frog|🐵 monkey|🐔 chicken|🐧 penguin|🐦 bird|🦆 duck|🦉 owl|🦇 bat|🐺 wolf|🐴 horse|🦄 unicorn|🐝 bee|🐛 bug|🦋 butterfly|🐌 snail|🐞 ladybug|🐢 turtle|🐍 snake|🐙 octopus|🦀 crab|🐠 fish|🐬 dolphin|🐳 whale|🦈 shark|🐘 elephant|🦒 giraffe|🌵 cactus|🎄 christmas tree|🌲 evergreen|🌳 tree|🌴 palm|🌱 seedling|🌿 herb|🍀 clover luck|🍁 maple leaf|🍂 fallen leaf|🌷 tulip|🌹 rose|🌻 sunflower|🌼 blossom|🌸 cherry blossom|💐 bouquet|🌞 sun face|🌝 moon face|⭐ star|🌟 glowing star|✨ sparkles|⚡ lightning zap|🔥 fire|🌈 rainbow|☀️ sun|⛅ cloud sun|☁️ cloud|🌧️ rain|⛄ snowman|❄️ snowflake|💧 droplet|🌊 wave ocean",
  ],
  [
    "Food",
    "🍏 green apple|🍎 apple|🍐 pear|🍊 orange|🍋 lemon|🍌 banana|🍉 watermelon|🍇 grapes|🍓 strawberry|🍒 cherries|🍑 peach|🥭 mango|🍍 pineapple|🥥 coconut|🥝 kiwi|🍅 tomato|🥑 avocado|🥦 broccoli|🌶️ pepper hot|🌽 corn|🥕 carrot|🥐 croissant|🍞 bread|🧀 cheese|🥚 egg|🍳 cooking|🥓 bacon|🥞 pancakes|🍔 burger|🍟 fries|🍕 pizza|🌭 hotdog|🌮 taco|🌯 burrito|🍜 ramen noodles|🍝 spaghetti|🍣 sushi|🍱 bento|🍚 rice|🍦 ice cream|🍩 doughnut|🍪 cookie|🎂 birthday cake|🍰 cake|🧁 cupcake|🍫 chocolate|🍬 candy|🍿 popcorn|☕ coffee|🍵 tea|🧃 juice|🥤 soda|🍺 beer|🍻 cheers beers|🍷 wine|🥂 toast champagne|🍸 cocktail",
  ],
  [
    "Activity",
    "⚽ soccer football|🏀 basketball|🏈 american football|⚾ baseball|🎾 tennis|🏐 volleyball|🏓 ping pong|🏸 badminton|🥅 goal|⛳ golf|🎣 fishing|🎽 running shirt|🎿 ski|🏆 trophy|🥇 gold medal first|🥈 silver medal|🥉 bronze medal|🏅 medal|🎖️ military medal|🎫 ticket|🎪 circus|🎭 theatre|🎨 art palette|🎬 clapper film|🎤 microphone|🎧 headphones|🎼 score music|🎹 piano|🥁 drum|🎷 saxophone|🎺 trumpet|🎸 guitar|🎻 violin|🎲 dice|🎯 bullseye target|🎳 bowling|🎮 video game|🧩 puzzle|🎉 tada party|🎊 confetti|🎈 balloon|🎁 gift present",
  ],
  [
    "Objects",
    "⌚ watch|📱 phone|💻 laptop|⌨️ keyboard|🖥️ desktop computer|🖨️ printer|🖱️ mouse computer|💾 floppy save|💿 disc|📷 camera|🎥 movie camera|📺 tv|📻 radio|⏰ alarm clock|⌛ hourglass|🔋 battery|🔌 plug|💡 bulb idea|🔦 flashlight|🕯️ candle|💸 money wings|💵 dollar|💰 money bag|💳 card|💎 gem|🔧 wrench|🔨 hammer|🛠️ tools|⚙️ gear|🔒 lock|🔓 unlock|🔑 key|🚪 door|🛏️ bed|🧸 teddy bear|📦 package box|📫 mailbox|✉️ envelope|📝 memo note|📁 folder|📅 calendar|📌 pin|📎 paperclip|✂️ scissors|🗑️ wastebasket|📚 books|📖 book|🔗 link|📣 megaphone|🔔 bell|🔕 no bell|🚀 rocket|✈️ airplane|🚗 car|🚲 bike|🏠 house|🏢 office|⛺ tent|🌍 globe earth",
  ],
  [
    "Symbols",
    "❤️ red heart love|🧡 orange heart|💛 yellow heart|💚 green heart|💙 blue heart|💜 purple heart|🖤 black heart|🤍 white heart|💔 broken heart|❣️ heart exclamation|💕 two hearts|💖 sparkling heart|💯 hundred|💢 anger|💥 boom collision|💫 dizzy star|💬 speech bubble|💭 thought|💤 zzz sleep|✅ check mark done|☑️ ballot check|✔️ check|❌ cross no|❎ cross mark button|➕ plus|➖ minus|➗ divide|❓ question|❔ white question|❗ exclamation|‼️ double exclamation|⚠️ warning|🚫 prohibited|⛔ no entry|🔴 red circle|🟠 orange circle|🟡 yellow circle|🟢 green circle|🔵 blue circle|🟣 purple circle|⚫ black circle|⚪ white circle|🔺 red triangle|🔻 down triangle|▶️ play|⏸️ pause|⏹️ stop|🔁 repeat|🔀 shuffle|🆗 ok button|🆕 new|🆒 cool button|🆘 sos|♻️ recycle|🏁 checkered flag|🚩 red flag|🏳️‍🌈 rainbow flag",
  ],
];

export interface Emoji {
  char: string;
  name: string;
}

export const EMOJI_CATEGORIES: { name: string; emoji: Emoji[] }[] = DATA.map(([name, list]) => ({
  name,
  emoji: list.split("|").map((entry) => {
    const space = entry.indexOf(" ");
    return { char: entry.slice(0, space), name: entry.slice(space + 1) };
  }),
}));

export function searchEmoji(query: string): Emoji[] {
  const q = query.trim().toLowerCase();
  return EMOJI_CATEGORIES.flatMap((c) => c.emoji).filter((e) => e.name.includes(q));
}
