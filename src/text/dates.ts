/**
 * Dates and deadlines as circulars write them: 2020年6月底前, 2023年2月20日, 到2025年,
 * 自2019年1月1日起, and spans such as 3年左右 or 每学年.
 */

/** A date, deadline or span in a text. */
export const DATE = /((?:到|至|自|从|截至|截止)?\d{4}年(?:\d{1,2}月)?(?:\d{1,2}日)?(?:底前|底|前|起|以前|以来|开始)?|\d+年左右|(?:利用|用)\d+年|每学?年|每月|每季度)/u;

/** A span of time: 6个月, 3年左右, 12个月以内. */
export const DURATION = /(?:\d+(?:\.\d+)?|[一二三四五六七八九十两半]+)\s*(?:个月|年|周|天|个工作日|工作日|小时)(?:左右|以内|以上|以下)?/u;
