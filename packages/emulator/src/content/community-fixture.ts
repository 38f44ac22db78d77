import type { EmulatorMember } from '../emulator-seed';

/** A community to serve, as JSON: what `content.fixture` takes, and what the generated seed is. */
export interface CommunityFixture {
  /** Members to add to the emulator's own (`members` option); they can log in with their password. */
  members?: EmulatorMember[];
  spaces: FixtureSpace[];
}

/** A space of a {@link CommunityFixture}. */
export interface FixtureSpace {
  slug: string;
  name: string;
  description?: string;
  /** Only its members (and admins) see it and its posts. @defaultValue false */
  private?: boolean;
  /** Who may post in it (replies and reactions are open to whoever sees it). @defaultValue 'members' */
  postingBy?: 'members' | 'admins';
  /** Usernames of its members; a public space counts every network member as one. */
  members?: string[];
  /** Oldest first. */
  posts?: FixturePost[];
}

/** A post of a {@link FixtureSpace}: title and HTML content, with its replies and reactions. */
export interface FixturePost {
  /** The author's username. */
  author: string;
  title: string;
  content: string;
  /** Oldest first. */
  replies?: { author: string; content: string }[];
  /** Reactions by name (`like`, `+1`, an emoji name) with the usernames who reacted. */
  reactions?: { reaction: string; by: string[] }[];
}

/** The sizes of a generated community. */
export interface GeneratedCommunitySizes {
  /** @defaultValue 3: General (public), Announcements (public, admins post), Team (private) */
  spaces?: number;
  /** @defaultValue 10 */
  postsPerSpace?: number;
  /** @defaultValue 2 */
  repliesPerPost?: number;
  /** Members besides the emulator's own: `member1` … with password `member1-password`. @defaultValue 3 */
  members?: number;
}

const firstNames = [
  'Ada',
  'Bruno',
  'Chloe',
  'Dario',
  'Elif',
  'Farid',
  'Greta',
  'Hiro',
  'Ines',
  'Jonas',
  'Kemi',
  'Lena',
];
const lastNames = ['Okafor', 'Lindqvist', 'Moreau', 'Tanaka', 'Silva', 'Novak', 'Haddad', 'Keller', 'Rossi', 'Byrne'];
const words = [
  'onboarding',
  'roadmap',
  'release',
  'feedback',
  'webhooks',
  'pagination',
  'themes',
  'moderation',
  'analytics',
  'mobile',
  'search',
  'events',
  'integrations',
  'badges',
  'digest',
  'permissions',
];

/**
 * A community of the given sizes, the same at every start: spaces, `member1` … `memberN`, posts
 * by turns of the members allowed to post, replies and reactions. `admin` is the username of the
 * emulator's first admin, who belongs to every space.
 */
export function generateCommunity(sizes: GeneratedCommunitySizes, admin: string): CommunityFixture {
  const spaceCount = sizes.spaces ?? 3;
  const postsPerSpace = sizes.postsPerSpace ?? 10;
  const repliesPerPost = sizes.repliesPerPost ?? 2;
  const memberCount = sizes.members ?? 3;
  const members: EmulatorMember[] = Array.from({ length: memberCount }, (_, index) => {
    const number = index + 1;
    return {
      id: `Mbr${String(number).padStart(7, '0')}`,
      username: `member${number}`,
      email: `member${number}@example.com`,
      password: `member${number}-password`,
      name: `${firstNames[index % firstNames.length]} ${lastNames[(index * 7) % lastNames.length]}`,
      role: 'member',
    };
  });
  const everyone = [admin, ...members.map((member) => member.username)];
  const spaces: FixtureSpace[] = Array.from({ length: spaceCount }, (_, index) => {
    const kind = index % 3;
    const name = index < 3 ? ['General', 'Announcements', 'Team'][index]! : `Space ${index + 1}`;
    const spaceMembers = kind === 2 ? everyone.slice(0, 2) : everyone;
    const posters = kind === 1 ? [admin] : spaceMembers;
    return {
      slug: name.toLowerCase().replace(/\s+/g, '-'),
      name,
      description: kind === 2 ? 'A private space for the team' : `Posts about ${words[index % words.length]}`,
      private: kind === 2,
      postingBy: kind === 1 ? 'admins' : 'members',
      members: spaceMembers,
      posts: Array.from({ length: postsPerSpace }, (_, number) => {
        const topic = words[(index + number) % words.length];
        return {
          author: posters[number % posters.length]!,
          title: `${name} post ${number + 1}: ${topic}`,
          content: `<p>Notes on ${topic}, number ${number + 1} in ${name}.</p>`,
          replies: Array.from({ length: repliesPerPost }, (__, reply) => ({
            author: spaceMembers[(number + reply + 1) % spaceMembers.length]!,
            content: `<p>Reply ${reply + 1} on ${topic}.</p>`,
          })),
          reactions:
            number % 2 === 0
              ? [{ reaction: 'like', by: spaceMembers.slice(0, 1 + (number % spaceMembers.length)) }]
              : [],
        };
      }),
    };
  });
  return { members, spaces };
}
