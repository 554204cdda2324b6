// Writes stories.txt, the training text of the sample: short stories in plain English, produced from a
// small hand-written grammar with a fixed seed, so the text is original, public and reproducible.
//
//     dotnet run MakeCorpus.cs            (from this folder; a .NET 10 file-based app)
//
// It is not part of the sample's build (see Residual.Samples.csproj); the sample only reads stories.txt.
using System;
using System.Collections.Generic;
using System.IO;
using System.Text;

const int TargetBytes = 64 * 1024;
var rng = new SplitMix(2024);
var text = new StringBuilder();
while (text.Length < TargetBytes)
{
    Story.Write(text, rng);
    text.Append('\n');
}
File.WriteAllText(Path.Combine(AppContext.GetData("EntryPointFileDirectoryPath") as string ?? ".", "stories.txt"), text.ToString().TrimEnd() + "\n");
Console.WriteLine($"stories.txt: {text.Length} characters");

sealed class SplitMix(ulong seed)
{
    private ulong _state = seed;

    public int Next(int max)
    {
        ulong z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return (int)((z ^ (z >> 31)) % (ulong)max);
    }

    public T Pick<T>(IReadOnlyList<T> items) => items[Next(items.Count)];

    public bool Chance(int percent) => Next(100) < percent;
}

record Person(string Name, string He, string His, string Him);

record Thing(string Noun, string Plural);

static class Story
{
    static readonly Person[] People =
    [
        new("Anna", "she", "her", "her"), new("Ben", "he", "his", "him"), new("Clara", "she", "her", "her"),
        new("David", "he", "his", "him"), new("Ella", "she", "her", "her"), new("Finn", "he", "his", "him"),
        new("Greta", "she", "her", "her"), new("Hugo", "he", "his", "him"), new("Ida", "she", "her", "her"),
        new("Jonas", "he", "his", "him"), new("Kate", "she", "her", "her"), new("Leo", "he", "his", "him"),
        new("Mia", "she", "her", "her"), new("Noah", "he", "his", "him"), new("Rosa", "she", "her", "her"),
        new("Sam", "he", "his", "him"), new("Tara", "she", "her", "her"), new("Victor", "he", "his", "him"),
    ];

    static readonly string[] Relations = ["grandmother", "grandfather", "aunt", "uncle", "little brother", "little sister", "best friend", "neighbour"];

    static readonly Thing[] Animals =
    [
        new("cat", "cats"), new("dog", "dogs"), new("fox", "foxes"), new("owl", "owls"), new("goat", "goats"),
        new("horse", "horses"), new("rabbit", "rabbits"), new("duck", "ducks"), new("mouse", "mice"), new("sheep", "sheep"),
    ];

    static readonly Thing[] Objects =
    [
        new("basket", "baskets"), new("lantern", "lanterns"), new("book", "books"), new("letter", "letters"),
        new("kite", "kites"), new("map", "maps"), new("key", "keys"), new("cup", "cups"), new("box", "boxes"),
        new("hat", "hats"), new("boat", "boats"), new("drum", "drums"), new("coat", "coats"), new("bell", "bells"),
    ];

    static readonly string[] Colours = ["red", "blue", "green", "yellow", "brown", "white", "grey", "black"];

    static readonly string[] Sizes = ["small", "big", "old", "new", "heavy", "tiny", "wooden", "shiny"];

    static readonly string[] Moods = ["happy", "tired", "curious", "brave", "quiet", "hungry", "sleepy", "proud", "worried", "cheerful"];

    static readonly string[] Places =
    [
        "the garden", "the river", "the market", "the old mill", "the forest", "the harbour", "the school",
        "the bakery", "the hill", "the library", "the bridge", "the farm", "the station", "the beach", "the park",
    ];

    static readonly string[] Times =
    [
        "In the morning", "At noon", "In the evening", "One cold day", "After the rain", "Early on Sunday",
        "One windy afternoon", "Just after breakfast", "On a bright spring day", "One grey winter morning",
    ];

    static readonly string[] Weather =
    [
        "The sun was warm and the sky was clear.", "A cold wind blew from the sea.", "It was raining softly.",
        "Snow covered the roofs of the town.", "The air smelled of fresh bread.", "Fog lay over the fields.",
        "Birds were singing in the trees.", "The streets were quiet and empty.",
    ];

    static readonly string[] Foods = ["apples", "bread", "cheese", "soup", "cake", "pears", "honey", "plums"];

    static readonly string[] Pastimes =
    [
        "read a story", "played a game of cards", "sang an old song", "counted the stars", "drew pictures",
        "watched the boats", "told jokes", "drank hot tea", "fed the birds", "talked about the summer",
    ];

    static readonly string[] Numbers = ["two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"];

    public static void Write(StringBuilder s, SplitMix r)
    {
        var hero = r.Pick(People);
        Person friend;
        do friend = r.Pick(People); while (friend == hero);
        var animal = r.Pick(Animals);
        var thing = r.Pick(Objects);
        string colour = r.Pick(Colours), size = r.Pick(Sizes), place = r.Pick(Places), relation = r.Pick(Relations);
        string other;
        do other = r.Pick(Places); while (other == place);

        s.Append(hero.Name).Append(" and the ").Append(Up(colour)).Append(' ').Append(Up(thing.Noun)).Append("\n\n");

        var p = new List<string>
        {
            $"{r.Pick(Times)}, {hero.Name} walked to {place}.",
            r.Pick(Weather),
        };
        switch (r.Next(3))
        {
            case 0: p.Add($"{Up(hero.He)} was looking for {hero.His} {colour} {thing.Noun}."); break;
            case 1: p.Add($"{Up(hero.He)} had lost {A(size)} {colour} {thing.Noun} the day before."); break;
            default: p.Add($"{Up(hero.His)} {relation} had asked {hero.Him} to find {A(colour)} {thing.Noun}."); break;
        }
        if (r.Chance(60)) p.Add($"There were {r.Pick(Numbers)} {animal.Plural} near {place}, but no {thing.Noun}.");
        Paragraph(s, p);

        p.Clear();
        p.Add($"At {other}, {hero.Name} met {friend.Name}.");
        p.Add(Say(r, $"Have you seen {A(colour)} {thing.Noun}?", "asked", hero.Name));
        if (r.Chance(50))
        {
            p.Add(Say(r, $"Yes, I saw it this morning near {place}.", "said", friend.Name));
            p.Add(Say(r, $"{Up(A(animal.Noun))} was sitting next to it.", "said", friend.He, after: true));
        }
        else
        {
            p.Add(Say(r, "No, I have not.", "said", friend.Name));
            p.Add(Say(r, "But I will help you look for it.", "said", friend.He, after: true));
        }
        p.Add($"{friend.Name} was {r.Pick(Moods)}, and {hero.Name} was {r.Pick(Moods)}.");
        Paragraph(s, p);

        p.Clear();
        p.Add($"The two friends went back to {place} together.");
        switch (r.Next(3))
        {
            case 0:
                p.Add($"Under a bush they found {A(animal.Noun)} with the {thing.Noun}.");
                p.Add($"The {animal.Noun} looked at them and ran away.");
                break;
            case 1:
                p.Add($"They looked under every stone and behind every tree.");
                p.Add($"At last {friend.Name} found the {thing.Noun} in the grass.");
                break;
            default:
                p.Add($"{Up(A(r.Pick(Moods)))} {animal.Noun} was playing with the {thing.Noun}.");
                p.Add($"{hero.Name} gave the {animal.Noun} some {r.Pick(Foods)}, and it let the {thing.Noun} go.");
                break;
        }
        p.Add(Say(r, "Thank you.", "said", hero.Name));
        Paragraph(s, p);

        p.Clear();
        p.Add($"In the evening they sat by the fire and {r.Pick(Pastimes)}.");
        if (r.Chance(50)) p.Add($"{hero.Name} put the {colour} {thing.Noun} on the table, next to the {r.Pick(Foods)}.");
        p.Add(r.Next(3) switch
        {
            0 => $"{Up(hero.He)} was very {r.Pick(Moods)}, and {hero.He} slept well that night.",
            1 => $"Then {friend.Name} went home, and the {animal.Noun} went back to {place}.",
            _ => $"It had been a long day, but a good one.",
        });
        Paragraph(s, p);
    }

    static string Say(SplitMix r, string words, string verb, string who, bool after = false)
    {
        // "Words," said Ben.  /  Ben said, "Words."  /  "Words," she said, smiling.
        string quoted = words.EndsWith('.') ? words[..^1] + "," : words;
        if (after) return $"\"{quoted}\" {who} {verb}, smiling.";
        return r.Chance(50) ? $"\"{quoted}\" {verb} {who}." : $"{who} {verb}, \"{words}\"";
    }

    static string A(string word) => ("aeiou".Contains(word[0]) ? "an " : "a ") + word;

    static void Paragraph(StringBuilder s, List<string> sentences)
    {
        int column = 0;
        foreach (var sentence in sentences)
            foreach (var word in sentence.Split(' '))
            {
                if (column > 0 && column + 1 + word.Length > 72) { s.Append('\n'); column = 0; }
                else if (column > 0) { s.Append(' '); column++; }
                s.Append(word);
                column += word.Length;
            }
        s.Append("\n\n");
    }

    static string Up(string word) => char.ToUpperInvariant(word[0]) + word[1..];

}
