/**
 * What Telegram shows about the bot before anyone talks to it: the description (an
 * empty chat), the short description (the profile), and the command menus of private
 * chats, groups and each admin's chat, in Chinese for zh clients and English for the
 * rest. Registered at start; a failure is logged and the bot runs on.
 *
 * @grammyjs/commands was considered: it pairs each menu entry with its handler in one
 * CommandGroup, which would pull the features' handlers into one place; the menus alone
 * are one loop over scopes and languages.
 */
import type { Api } from "grammy";
import type { BotCommand, BotCommandScope } from "grammy/types";
import type { Settings } from "../../config/settings.ts";
import type { Logger } from "../../logging/logger.ts";
import { BOT_PROFILE, COMMAND_WORDING, type CommandName } from "../../wording/wording.ts";

/** The commands of each kind of chat; admins also get {@link ADMIN_MENU} (in their chat, and in /help). */
const MENUS = {
  private: ["start", "help", "docs", "item", "about"],
  group: ["ask", "help", "docs", "item", "about"],
} as const satisfies Record<string, readonly CommandName[]>;

const ADMIN_MENU = ["reindex", "stats"] as const satisfies readonly CommandName[];

/** Languages with their own wording; Telegram shows the default (no language) to everyone else. */
const LANGUAGES = [
  { code: undefined, lang: "en" },
  { code: "zh", lang: "zh" },
] as const;

/** The commands /help lists and the menu shows in this kind of chat. */
export function menuFor(chat: keyof typeof MENUS, admin: boolean): CommandName[] {
  return [...MENUS[chat], ...(admin ? ADMIN_MENU : [])];
}

function menu(names: readonly CommandName[], lang: "zh" | "en"): BotCommand[] {
  return names.map((command) => ({ command, description: COMMAND_WORDING[command][lang] }));
}

/** Sets descriptions and command menus; never throws. */
export async function registerProfile(api: Api, settings: Settings, logger: Logger): Promise<void> {
  const scopes: { scope: BotCommandScope; names: CommandName[]; optional?: boolean }[] = [
    { scope: { type: "all_private_chats" }, names: menuFor("private", false) },
    { scope: { type: "all_group_chats" }, names: menuFor("group", false) },
    // Fails for admins who never opened a chat with the bot; they still can type the commands.
    ...settings.telegram.adminUserIds.map((id) => ({
      scope: { type: "chat", chat_id: id } as const,
      names: menuFor("private", true),
      optional: true,
    })),
  ];
  for (const { code, lang } of LANGUAGES) {
    const language = code ? { language_code: code } : {};
    const profile = BOT_PROFILE[lang];
    try {
      await api.setMyDescription(profile.description, language);
      await api.setMyShortDescription(profile.shortDescription, language);
    } catch (e) {
      logger.warn("could not set the bot's description", { language: lang, error: e });
    }
    for (const { scope, names, optional } of scopes) {
      try {
        await api.setMyCommands(menu(names, lang), { scope, ...language });
      } catch (e) {
        if (optional) logger.debug("admin command menu not set", { error: e });
        else logger.warn("could not register the command menu", { scope: scope.type, language: lang, error: e });
      }
    }
  }
}
