/**
 * Vendor credentials recognised by the vendor's name next to them: a value of the vendor's shape assigned to an
 * identifier naming the vendor (`ADAFRUIT_KEY=…`, `"deepgram_api_key": "…"`, `<kucoinSecret>…</kucoinSecret>`),
 * in every assignment form {@link ctx} reads. Rules marked `fallback` widen a stricter rule of another file to the
 * shapes other scanners accept: they yield to it when both match.
 */
import type { Severity } from '../../../core/types.js';
import type { SecretRuleSpec } from '../rule.js';
import { ctx, R } from './shared.js';

const r = String.raw;

interface KeyedOptions {
  severity?: Severity;
  confidence?: 'high' | 'medium' | 'low';
  minEntropy?: number;
  fallback?: boolean;
  /** The identifier the examples use, when the first keyword is not one (`boxApi`, `sonarToken`). */
  name?: string;
  /**
   * Regex flags (default `i`). With `''` the vendor's name is matched as `words` spells it, so `[Mm]eraki|MERAKI`
   * keeps `CameraKit` and `sumOfValues` out; the value's class then has to name both cases itself.
   */
  flags?: string;
}

/**
 * A rule for `secret` (a regex of the vendor's value) assigned to an identifier holding one of `words` (a regex
 * alternation). Examples: `value` (synthetic) assigned in two forms must be found; too short, or without the
 * vendor's name, must not.
 */
function keyed(id: string, title: string, category: string, words: string, keywords: string[], secret: string, value: string, o: KeyedOptions = {}): SecretRuleSpec {
  const word = o.name ?? keywords.find((k) => /^[a-z]+$/.test(k)) ?? keywords.find((k) => /^[a-z_]+$/.test(k)) ?? keywords[0]!.replace(/[^a-z]/g, '');
  const upper = word.toUpperCase();
  return {
    id,
    title,
    severity: o.severity ?? 'high',
    keywords,
    regex: ctx(words) + `(?<secret>(?:${secret}))` + R,
    flags: o.flags ?? 'i',
    minEntropy: o.minEntropy ?? 3,
    confidence: o.confidence ?? 'medium',
    ...(o.fallback ? { fallback: true } : {}),
    tags: [category, 'keyed'],
    examples: {
      positive: [`${upper}_API_KEY = "${value}"`, `<${word}Secret>${value}</${word}Secret>`],
      negative: [`${upper}_API_KEY = "${value.slice(0, 6)}"`, `unrelated_setting = "${value}"`],
    },
  };
}

/**
 * A keyed rule whose own examples are given: a fallback's value must not also be one a stricter rule reads in the
 * generated `_API_KEY` context, or that rule takes it.
 */
function withExamples(rule: SecretRuleSpec, positive: string[], negative: string[]): SecretRuleSpec {
  return { ...rule, examples: { positive, negative } };
}

/** A keyed rule with more negative examples: look-alikes its vendor's name must keep out. */
function lookalikes(rule: SecretRuleSpec, ...negative: string[]): SecretRuleSpec {
  return { ...rule, examples: { ...rule.examples, negative: [...rule.examples.negative, ...negative] } };
}

/** Built-in rules for vendor credentials found by the vendor's name. */
export const KEYED_RULES: SecretRuleSpec[] = [
  keyed('adafruit-api-key', 'Adafruit IO key', 'iot', 'adafruit', ['adafruit'], r`[a-z0-9_\-]{32}`, 'j_qblfxc7jtbsk0cpq-d2eux5wb9lbvt'),
  keyed('adobe-client-id', 'Adobe OAuth client ID', 'saas', 'adobe', ['adobe'], r`[a-f0-9]{32}`, 'ba89ba8ae59e086fcecaf57b472e91be', { severity: 'medium' }),
  keyed('airtable-oauth-token', 'Airtable OAuth token', 'saas', 'airtable', ['airtable'], r`[A-Za-z0-9]{1,64}\.v1\.[A-Za-z0-9_\-]{1,256}\.[a-f0-9]{1,128}`, 'WNHZtSS5En0nbBZW7aQOPgw0XW7TtpFh.v1.Xt_EhSJJJ1fiZzsKdlc_jqa61cT6gZz6w6m1xeYouf0O0anlPrcnKuBRz_AfU4GM64_WwaW3D54r-yRwwhNAiiXY.a6e1229d01090ef3d625455c17330797c'),
  keyed('airtable-legacy-api-key', 'Airtable legacy API key (in context)', 'saas', 'airtable', ['airtable'], r`[a-z0-9]{17}`, 'sz7f8ok4tf7gvcu0p', { fallback: true }),
  keyed('algolia-api-key', 'Algolia API key (in context)', 'saas', 'algolia', ['algolia'], r`[a-z0-9]{32}`, 'zw8cc53z4fw2op2joo6jrwoeq0wvx5dr', { fallback: true }),
  keyed('alibaba-secret-key', 'Alibaba Cloud AccessKey secret (in context)', 'cloud', 'alibaba|aliyun', ['alibaba', 'aliyun'], r`[A-Za-z0-9]{30,64}`, 'z7fsEYGTX0sLm0CEddyvSDK8Ww3oDNfsrhLWp48GKoI6SUHBeTqya66X', { fallback: true }),
  keyed('asana-client-id', 'Asana OAuth client ID', 'saas', 'asana', ['asana'], r`[0-9]{16}`, '4503766853237191', { severity: 'medium', minEntropy: 2 }),
  keyed('asana-client-secret', 'Asana OAuth client secret', 'saas', 'asana', ['asana'], r`[a-z0-9]{32}`, 'aqqf6w23uirls7hxoocv0tfqmyrnjjce'),
  keyed('assemblyai-api-key-in-context', 'AssemblyAI API key (in context)', 'ai', 'assembly[_\\-]?ai', ['assemblyai', 'assembly_ai', 'assembly-ai'], r`[a-z0-9]{32}`, 'ej27134dyfzhyif7tlvbyos0ijnv95ds', { fallback: true }),
  keyed('bitbucket-client-id', 'Bitbucket OAuth consumer key', 'vcs-ci', 'bitbucket', ['bitbucket'], r`[a-z0-9]{32}`, 'n875byr6agwwc2ioh3o90080alc2blss', { severity: 'medium' }),
  keyed('bitbucket-client-secret-in-context', 'Bitbucket OAuth consumer secret (in context)', 'vcs-ci', 'bitbucket', ['bitbucket'], r`[a-z0-9=_\-]{64}`, 'j3r09g-vm3fn_bxxizlgncc=rn=14ljb8doheiu01h=esosd7buw7lh66sheorbk', { fallback: true }),
  keyed('bittrex-api-key', 'Bittrex API key or secret', 'crypto', 'bittrex', ['bittrex'], r`[a-z0-9]{32}`, 'ftchiim3qc2hilljbjzllbwq3cnf7zhs'),
  keyed('box-api-access-token', 'Box API access token', 'saas', 'box[_.\\-]?(?:api|access|token|key|dev|client|secret|app)', ['box_', 'box-', 'box.', 'boxt', 'boxk', 'boxa', 'boxd', 'boxc', 'boxs'], r`[a-z0-9]{32}`, '63in1b4daf3pyurndxrz600c6jjrtx54', { name: 'boxApi' }),
  withExamples(
    keyed('cloudflare-api-key-in-context', 'Cloudflare API key (in context)', 'cloud', 'cloudflare', ['cloudflare'], r`[a-z0-9_\-]{40}`, 'oj9yoyq0zmoywmppob1aoy5ysnnuj0fbzsourblx', { fallback: true }),
    ['cloudflare: "oj9Yoyq0zmOyWmPPob1aoY5YSNNuJ0fbZSOURBlX"', '<cloudflareSecret>Bu0rrK-lerk6y0Suqo1qSqlDDajOk61wZchCkje4</cloudflareSecret>'],
    ['cloudflare: "oj9Yoyq0zmOyWmPP"', 'zone_name: "oj9Yoyq0zmOyWmPPob1aoY5YSNNuJ0fbZSOURBlX"'],
  ),
  keyed('civo-api-key', 'Civo API key', 'cloud', 'civo', ['civo'], r`[a-z0-9]{50}`, 'tekb24oz7zqnsittxae26fdhmhqguzkp6ywtduyssyyxbnfpie'),
  lookalikes(
    keyed('cisco-meraki-api-key', 'Cisco Meraki API key', 'cloud', '[Mm]eraki|MERAKI', ['meraki'], r`[0-9a-f]{40}`, '4e52e428ecce04d1f61d8f6e7b6085ee6aa5e651', { flags: '' }),
    'ReactNativeCameraKit: f15a5a04b0f6dc6073e6db0296e6ef2d8b8d2522',
    'meraki-api-key: acdeFf05b1a6d4c890237bf08c5e6e8d2b4d0f2e',
  ),
  keyed('clickup-personal-api-token', 'ClickUp personal API token (in context)', 'saas', 'clickup', ['clickup'], r`pk_[0-9]{6,10}_[a-z0-9]{32}`, 'pk_71728472_ry5pyedjn0x55198dlc87oz87hiqkdp8', { fallback: true }),
  keyed('codecov-access-token', 'Codecov access token (in context)', 'vcs-ci', 'codecov', ['codecov'], r`[A-Z0-9\-]{36}|[a-z0-9]{32}`, 'BNA0DVTBB3Z9KM-OT8W-JSBFK-2SUDO1-MQM', { fallback: true }),
  keyed('coinbase-access-token', 'Coinbase access token', 'crypto', 'coinbase', ['coinbase'], r`[a-z0-9_\-]{64}`, 'xo077ci498yc68dqc1rktq9_891r4s34p34xfvbc-9j4hjmenauqdv94bu8phhyi'),
  keyed('configcat-sdk-key', 'ConfigCat SDK key', 'saas', 'configcat', ['configcat'], r`[A-Za-z0-9_\-]{22}/[A-Za-z0-9_\-]{22}`, 'J57mIHcgO0CgG_4CefLhAT/aZY4JVoqKfAo4kc-wQ37OP'),
  keyed('confluent-access-token', 'Confluent Cloud API key', 'cloud', 'confluent', ['confluent'], r`[a-z0-9]{16}`, 'm3eu31gvhtc8gjgx', { severity: 'medium' }),
  keyed('confluent-secret-key', 'Confluent Cloud API secret', 'cloud', 'confluent', ['confluent'], r`[a-z0-9]{64}`, 'u9sexed8r03ggda1nu1t6zlaefada0ndh4i8mflcyrg2ke5tux23as8q12jnzkn1'),
  keyed('contentful-delivery-api-token', 'Contentful delivery API token (in context)', 'saas', 'contentful', ['contentful'], r`[a-z0-9=_\-]{43}`, 'oo8u9rlj6shlmc9755vchlbowx1=e7_37paupizmvy7', { fallback: true }),
  keyed('coveralls-personal-api-token', 'Coveralls API token (in context)', 'vcs-ci', 'coveralls', ['coveralls'], r`[A-Za-z0-9\-]{32,40}`, 'Nfecnmj-dJw3PuehQGEzljuwoHQm8Q3oJ2R7MI', { fallback: true }),
  keyed('cursor-api-key', 'Cursor API key', 'ai', 'cursor', ['cursor'], r`key_[0-9a-f]{64}`, 'key_bf5b308a5443e952a97341519dc958874f471ee4910b8478a2e7a82362f98b15'),
  keyed('datadog-application-key-in-context', 'Datadog application key (in context)', 'observability', 'datadog', ['datadog'], r`[A-Za-z0-9\-]{32,40}`, 'F7zrULXyXJsImFW-p3XIRMI18HYtw5Pfa', { fallback: true }),
  keyed('datagov-api-key', 'Data.gov API key', 'saas', 'data(?:[._\\-]?gov)', ['datagov', 'data.gov', 'data_gov', 'data-gov'], r`[a-z0-9]{40}`, 'd5ht72134ul942nuyuxw7ac5zewu6l1mogmj4usq'),
  keyed('deepgram-api-key', 'Deepgram API key', 'ai', 'deepgram', ['deepgram'], r`[a-f0-9]{40}`, 'efe604c02e0df858408ed06b548b9ad95cf257c2'),
  keyed('discord-api-token', 'Discord application key', 'comms', 'discord', ['discord'], r`[a-f0-9]{64}`, 'e3e2664b6413a6170bf32d83da83dbbeefd1b0971bcecc107f6a0f5819b5793f'),
  keyed('discord-client-id', 'Discord client ID', 'comms', 'discord', ['discord'], r`[0-9]{17,19}`, '87119264985530345', { severity: 'low', confidence: 'low', minEntropy: 2 }),
  // 32 random digits carry about 3.2 bits a character, often less: a lower bar than mixed keys.
  keyed('discord-client-secret-in-context', 'Discord client secret (in context)', 'comms', 'discord', ['discord'], r`[a-z0-9=_\-]{32}`, 'wt64ki9vsm3x966-73r3mf=sl9qd-_96', { fallback: true, minEntropy: 2.5 }),
  keyed('disqus-api-key', 'Disqus API key', 'saas', 'disqus', ['disqus'], r`[a-z0-9]{64}`, 'mcowd8a0lkwlfml7j226lur9488d9dh24gd4h3lab895z005lz3t5omem0pl9rf3'),
  keyed('dropbox-app-key', 'Dropbox app key', 'saas', 'dropbox', ['dropbox'], r`[a-z0-9]{15}`, 'u4gwhke418c9nix', { severity: 'medium', minEntropy: 2.8 }),
  keyed('dropbox-long-lived-token-in-context', 'Dropbox long-lived token (in context)', 'saas', 'dropbox', ['dropbox'], r`[a-z0-9]{11}AAAAAAAAAA[a-z0-9\-_=]{43}`, 'hxd3btuodutAAAAAAAAAA1havut=syb_gd-=0h-rktcr00e1wfp_bkhdr1uy010o', { fallback: true }),
  keyed('dropbox-short-lived-token-in-context', 'Dropbox short-lived token (in context)', 'saas', 'dropbox', ['dropbox'], r`sl\.[a-z0-9\-=_]{130,140}`, 'sl.9_iixuf0kfyqu736yhdx=r3qnm6m-iz27pxd_n2rnby3f3m-urlhm0z0m6_dnv9bxz1ajac_sqyzb92ohi4e7a=9c-pw4k46pind64fnl_yopwdvn7tjo=0lo95zvsfs=zdqm7qnkc', { fallback: true }),
  // `ETSY`, `Etsy` or `etsy`, not the letters inside `SetSysctl`.
  withExamples(
    keyed('etsy-access-token', 'Etsy access token (in context)', 'saas', 'ETSY|[Ee]tsy', ['etsy'], r`[A-Za-z0-9]{24}`, 'qr8rvvnlo3pm8736wtk8o3e5', { fallback: true, flags: '' }),
    ['ETSY_TOKEN = "qr8rvvnlo3pm8736wtk8o3e5"', '<etsyToken>\n    g0fbr6ngu9tdu6uebd9e5y4u\n</etsyToken>'],
    ['SetSysctl = "qr8rvvnlo3pm8736wtk8o3e5"', 'ETSY_TOKEN = "qr8rvvnlo3pm"'],
  ),
  keyed('etsy-open-api-key', 'Etsy Open API v3 key and secret', 'saas', 'etsy|x-api-key', ['etsy', 'x-api-key'], r`[a-z0-9]{24}:[a-z0-9]{10,64}`, 're8jkkqk2wyawimvrx4nn21k:1p8qurgck0wfo0j723y3m4phfgsjif3yn55putb9ix1ygzqok7vbajg65'),
  keyed('figma-header-token', 'Figma personal access token (X-Figma-Token)', 'saas', 'x[_\\-]?figma[_\\-]?token', ['x-figma-token', 'xfigmatoken', 'x_figma_token'], r`[0-9a-f]{4}-[0-9a-f]{8}(?:-[0-9a-f]{4}){3}-[0-9a-f]{12}`, '8bab-27d996df-99a8-2c4f-f234-d1562663dd21'),
  keyed('finicity-api-token', 'Finicity API token', 'payments', 'finicity', ['finicity'], r`[a-f0-9]{32}`, 'c5cceaa604e3de3e2664b6413a6170bf'),
  keyed('finicity-client-secret', 'Finicity client secret', 'payments', 'finicity', ['finicity'], r`[a-z0-9]{20}`, '4fmfvmflxx6hnhi9xekv'),
  keyed('finnhub-access-token', 'Finnhub API key', 'payments', 'finnhub', ['finnhub'], r`[a-z0-9]{20}`, 'awthmykom2dnvjl2e200'),
  keyed('flickr-access-token', 'Flickr API key', 'saas', 'flickr', ['flickr'], r`[a-z0-9]{32}`, 'ex2pemrk7lc7z49zs89w7kypz7y42o9v'),
  keyed('freshbooks-access-token', 'FreshBooks access token', 'payments', 'freshbooks', ['freshbooks'], r`[a-z0-9]{64}`, '82c9vmopq0qwjrwr8hc2awr0l5haxv1o1gkaeq2som75mf2a2uo7ewhnmmd3ozfv'),
  keyed('gitea-access-token', 'Gitea access token', 'vcs-ci', 'gitea[_.\\-]?(?:token|key|secret|access|api|pat)', ['gitea'], r`[a-f0-9]{40}`, '73d071a8b3ac18883a18e718e843fc66cd2c2853'),
  keyed('gitter-access-token-in-context', 'Gitter access token (in context)', 'comms', 'gitter', ['gitter'], r`[a-z0-9_\-]{40}`, 'tcmsz97p_al-u3b5z0mfqhq1v17_7e48nu8unq7b', { fallback: true }),
  keyed('greptile-api-key', 'Greptile API key', 'ai', 'greptile', ['greptile'], r`[a-zA-Z0-9+/]{48}`, 'PF3emoPiyxsDzwE9BN4LPLnrqTj8CByJylLcsyDvuFSyR8+g'),
  keyed('gumroad-access-token', 'Gumroad access token', 'payments', 'gumroad', ['gumroad'], r`[a-f0-9]{64}|[A-Za-z0-9\-]{43}`, '4c02e0df858408ed06b548b9ad95cf257c257d5081735239bd606eb2110ca1fa'),
  keyed('ibm-cloud-user-api-key', 'IBM Cloud user API key (in context)', 'cloud', 'ibm', ['ibm'], r`[a-z0-9_\-]{42,44}`, '6olmw1r4lan_qlfzmmp2hzwxxxnsv7b0b1cexasqbd-', { fallback: true }),
  keyed('infomaniak-api-token', 'Infomaniak API token', 'cloud', 'infomaniak', ['infomaniak'], r`[A-Za-z0-9_\-]{60,100}`, 'l9iF7lARgoCWuykgCvh63K2yqwfS4NXm6Nb8PbneRk3ZeUH5PXSKDZVXUFLtfIyYANEjTC_czRcN9nZDNvzJ-XksuJo43y952'),
  keyed('intercom-api-key', 'Intercom API key', 'saas', 'intercom', ['intercom'], r`[a-z0-9=_\-]{60}`, 'ovvjanzn7j1wbogldq4fv60efre2bcdrtlx57qpqdyj17x-y7bsd5nmivu44'),
  keyed('jumpcloud-api-key-legacy', 'JumpCloud API key (in context)', 'saas', 'jumpcloud', ['jumpcloud'], r`[a-z0-9]{40}`, 'zv8hw6do01esxl2t4l7qswzhv1e4bpyzl794sp0t'),
  withExamples(
    keyed('jfrog-token-in-context', 'JFrog API key or identity token (in context)', 'vcs-ci', 'jfrog|artifactory|bintray|xray', ['jfrog', 'artifactory', 'bintray', 'xray'], r`[a-z0-9]{73}|[a-z0-9]{64}`, 'dy31jpggtkpqhjrt89qiyfucmh619rjnrhxj4yvk7b7n9gvluwj3y0xw8w32hoaz', { fallback: true }),
    ['"artifactory", "dy31jpggtkpqhjrt89qiyfucmh619rjnrhxj4yvk7b7n9gvluwj3y0xw8w32hoaz"', '<xraySecret>vy2l707bzit83pqsvt7neaj193c1zt7weww5cnvaysrpcdd7dz1znxz7scmlckvq</xraySecret>'],
    ['"artifactory", "dy31jpggtkpqhjrt89qiyfucmh"', '"gradle", "dy31jpggtkpqhjrt89qiyfucmh619rjnrhxj4yvk7b7n9gvluwj3y0xw8w32hoaz"'],
  ),
  keyed('kagi-api-key', 'Kagi API key', 'ai', 'kagi', ['kagi'], r`[a-z0-9_\-]{11}\.[a-z0-9_\-]{43}`, 'h49wduk-5fg.lqfno-9jp_bfvglxe4h2u61nbcvw43b-si0it5p6f_w'),
  keyed('kimi-api-key', 'Moonshot (Kimi) API key', 'ai', 'kimi|moonshot', ['kimi', 'moonshot'], r`sk-[A-Za-z0-9_\-]{48}`, 'sk-gJMXUy1vXis2UV7G4Ju8u4Tzkf0JE6eY7Ed9169TdYJ4gaOG'),
  keyed('klaviyo-api-key', 'Klaviyo private API key (in context)', 'saas', 'klaviyo', ['klaviyo'], r`pk_[a-z0-9]{34}`, 'pk_ct2nm5bm7mp8d4p5yjmgj6ijgqrvcrej1w', { fallback: true }),
  keyed('kraken-access-token', 'Kraken API key', 'crypto', 'kraken', ['kraken'], r`[a-z0-9/=_+\-]{80,90}`, '/8=ye392q024ow52obttmi-ezohwq/3-uiys+5os1g==4l3lh-tp4/qi6tv8k59gxviny8fh=1p0a/3=4/p6+yhdhj'),
  keyed('kucoin-access-token', 'KuCoin API key', 'crypto', 'kucoin', ['kucoin'], r`[a-f0-9]{24}`, '0aaefa02b6af1831dc84b053'),
  keyed('kucoin-secret-key', 'KuCoin API secret', 'crypto', 'kucoin', ['kucoin'], r`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`, '0ff0d300-c742-f72c-45b6-9ece8334f494'),
  keyed('launchdarkly-access-token', 'LaunchDarkly access token (in context)', 'saas', 'launchdarkly', ['launchdarkly'], r`[a-z0-9=_\-]{40}`, 'c588v8_itki312r-sd3x990ae46jn9_gvqsjq1cj'),
  keyed('lighton-paradigm-api-key', 'LightOn Paradigm API key', 'ai', 'lighton|paradigm', ['lighton', 'paradigm'], r`[A-Za-z0-9_\-]{40,80}`, 'pnVHMmVbwJ7BPeinmvo3xJner48IRICgfEXTR5VNjzZ6Q9_FVlhbu1foW5RYK-WWGRIPG8'),
  keyed('linear-client-secret', 'Linear OAuth client secret', 'saas', 'linear', ['linear'], r`[a-f0-9]{32}`, '3fc431debfb3763f221e9e1b88e3ba52'),
  keyed('linkedin-client-id', 'LinkedIn client ID', 'saas', 'linked[_\\-]?in', ['linkedin', 'linked_in', 'linked-in'], r`[a-z0-9]{14}`, 'h1vqnsc85oy0fs', { severity: 'low', confidence: 'low' }),
  keyed('linkedin-client-secret', 'LinkedIn client secret', 'saas', 'linked[_\\-]?in', ['linkedin', 'linked_in', 'linked-in'], r`[a-z0-9]{16}`, 'fizk259pe2iuj15q'),
  keyed('lob-api-key', 'Lob API key', 'saas', 'lob', ['lob'], r`(?:live|test)_(?:pub_)?[a-f0-9]{31,35}`, 'live_pub_7bcae7a75b416375eaff9d7b28c467b7'),
  keyed('looker-client-id', 'Looker API client ID', 'saas', 'looker', ['looker'], r`[a-z0-9]{20}`, 'm9nhitpqkjqs8vfnmfci', { severity: 'medium' }),
  keyed('looker-client-secret', 'Looker API client secret', 'saas', 'looker', ['looker'], r`[a-z0-9]{24}`, 'hfcx2bjpmmfftxzjm0wkubrj'),
  keyed('mailgun-pub-key', 'Mailgun public validation key', 'comms', 'mailgun', ['mailgun'], r`pubkey-[a-f0-9]{32}`, 'pubkey-929aa3839c3b497c45038e9bbe0281f2', { severity: 'low' }),
  keyed('mailgun-signing-key', 'Mailgun webhook signing key', 'comms', 'mailgun', ['mailgun'], r`[a-h0-9]{32}-[a-h0-9]{8}-[a-h0-9]{8}`, 'h6cec4188hfgh05ec7df0gfc57g7791g-51c99a87-a0f3dc38'),
  keyed('mapbox-api-token', 'Mapbox access token (in context)', 'saas', 'mapbox', ['mapbox'], r`pk\.[a-z0-9]{60}\.[a-z0-9]{22}`, 'pk.qbpjpm4a6vehd04y97izjpf1bd93ph6uofqah8njwwnhtujb3r7mzrqe9e5a.7koq7nyxia1m4kc902g1cs'),
  keyed('messagebird-api-token', 'MessageBird API key', 'comms', 'message[_\\-]?bird', ['messagebird', 'message_bird', 'message-bird'], r`[a-z0-9]{25}`, '2b3oxkyhw0x20p1y1gxnug4v5'),
  keyed('messagebird-client-id', 'MessageBird client ID', 'comms', 'message[_\\-]?bird', ['messagebird', 'message_bird', 'message-bird'], r`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`, '7e16a5e8-cd8e-948d-61fb-629e314c4991', { severity: 'medium' }),
  keyed('new-relic-user-api-id', 'New Relic user API ID', 'observability', 'new[_\\-]?relic', ['newrelic', 'new_relic', 'new-relic'], r`[a-z0-9]{64}`, '3htyd6gy74126w9h6i842ip37j1ay24cc32bkt2x0qladwbof0g1eh7q1l6f1qij'),
  keyed('new-relic-user-api-key-in-context', 'New Relic user API key (in context)', 'observability', 'new[_\\-]?relic', ['newrelic', 'new_relic', 'new-relic'], r`NRAK-[a-z0-9]{27}`, 'NRAK-6ueqg7qspz6atr4bzrutobpesjl', { fallback: true }),
  keyed('nytimes-access-token', 'New York Times API key', 'saas', 'nytimes|new[_\\-]?york[_\\-]?times', ['nytimes', 'newyorktimes', 'new-york-times', 'new_york_times'], r`[a-z0-9=_\-]{32}`, 'rpi5pf5zti7050ncl90_e3sac5hm9=8o'),
  keyed('ollama-api-key', 'Ollama API key', 'ai', 'ollama', ['ollama'], r`[a-f0-9]{32}\.[a-zA-Z0-9_\-]{24}`, '85274720bcb2929aa3839c3b497c4503.uVHHKgi_314clioyAnLUHoBU'),
  keyed('ovh-application-secret', 'OVHcloud application secret', 'cloud', 'ovh', ['ovh'], r`[A-Za-z0-9\-]{32}`, 'A9CCv2v4cDaYkCOTWOYWKNbA4Ao4662w'),
  keyed('plaid-access-token', 'Plaid access token', 'payments', 'plaid', ['plaid'], r`access-(?:sandbox|development|production)-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`, 'access-sandbox-68fdab53-0c90-29bb-05a6-bac29615bbff'),
  keyed('plaid-client-id', 'Plaid client ID', 'payments', 'plaid', ['plaid'], r`[a-z0-9]{24}`, '7rvtdd8f0lqfuxn2r69ol85p', { severity: 'medium' }),
  keyed('plaid-secret-key-in-context', 'Plaid secret (in context)', 'payments', 'plaid', ['plaid'], r`[a-z0-9]{30}`, 'agkdlnathgv6m3ry4wteqye6dqa5xg', { fallback: true }),
  keyed('polymarket-api-key', 'Polymarket API key', 'crypto', 'poly(?:market|[_\\-])', ['polymarket', 'poly_', 'poly-'], r`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`, '9b3078a4-2bc4-33c0-64c7-95b0886ea149'),
  keyed('polymarket-private-key', 'Polymarket wallet private key', 'crypto', 'poly(?:market|[_\\-])', ['polymarket', 'poly_', 'poly-'], r`0x[a-fA-F0-9]{64}`, '0xf6ed6d75FfEbbc6FB8AdCce3AfA011Ce6e5f02C4ba0cCDf130B2cD7BEE18E668', { severity: 'critical' }),
  keyed('privateai-api-token', 'Private AI API key', 'ai', 'private[_\\-]?ai', ['privateai', 'private_ai', 'private-ai'], r`[a-z0-9]{32}`, 'f5cudi2wqkag0mks55r69to3qy3jek4h'),
  keyed('sendbird-access-id', 'Sendbird application ID', 'comms', 'sendbird', ['sendbird'], r`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`, 'cb3c2dce-111c-e073-8c80-7fc3460de780', { severity: 'medium' }),
  keyed('sendbird-access-token', 'Sendbird API token', 'comms', 'sendbird', ['sendbird'], r`[a-f0-9]{40}`, '06caace2bfd4fb6d4c594e63cc4883c43fa3aba0'),
  keyed('sidekiq-secret', 'Sidekiq Enterprise / Pro gem credentials', 'vcs-ci', 'bundle_(?:enterprise|gems)__contribsys__com', ['bundle_enterprise__contribsys__com', 'bundle_gems__contribsys__com'], r`[a-f0-9]{8}:[a-f0-9]{8}`, '2f09a241:aec42a5f', { fallback: true, minEntropy: 2 }),
  keyed('sonar-api-token', 'SonarQube / SonarCloud token (in context)', 'vcs-ci', 'sonar[_.\\-]?(?:login|token|auth)', ['sonar'], r`(?:squ_|sqp_|sqa_)?[a-z0-9=_\-]{40}`, 'jrl68tqeicfch647cutzdxczizi_c0nux6ipgd5j', { name: 'sonarToken', fallback: true }),
  keyed('sourcegraph-access-token-in-context', 'Sourcegraph access token (in context)', 'vcs-ci', 'sourcegraph|sgp', ['sourcegraph', 'sgp'], r`[a-f0-9]{40}`, '0971bcecc107f6a0f5819b5793fdbb00ad4c369d'),
  keyed('squarespace-access-token', 'Squarespace API key', 'saas', 'squarespace', ['squarespace'], r`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`, 'ae0cebd6-62e6-be49-2697-b73ad035a035'),
  lookalikes(
    keyed('sumologic-access-id', 'Sumo Logic access ID', 'observability', '[Ss]umo|SUMO', ['sumo'], r`su[a-zA-Z0-9]{12}`, 'su3BOc7kV5sP3P', { severity: 'medium', flags: '' }),
    'sumObj = suGyI5imvADdvU',
    'sumOfExposures = sumOfExposures;',
  ),
  keyed('sumologic-access-token', 'Sumo Logic access key', 'observability', '[Ss]umo|SUMO', ['sumo'], r`[A-Za-z0-9]{64}`, 'f8rzrblgnha0nnqopg047yp42bl0ys0zj8ees5a0awhn5lypcw7rho2hea0qc2s8', { flags: '' }),
  keyed('telegram-bot-api-token', 'Telegram bot token (in context)', 'comms', 'telegr', ['telegr'], r`[0-9]{5,16}:A[a-z0-9_\-]{34}`, '06915126:Axx7ufjh-oieexgrpwmkfr2tddjd5t5rlnm', { fallback: true }),
  keyed('twitter-access-secret', 'Twitter / X access token secret', 'saas', 'twitter', ['twitter'], r`[a-z0-9]{45}`, 'fz0al8qixdlsxawbv7gscoh7r4v0ek5qbsga73kwqyokr'),
  keyed('twitter-access-token', 'Twitter / X access token', 'saas', 'twitter', ['twitter'], r`[0-9]{15,25}-[a-zA-Z0-9]{20,40}`, '1334788351049266846682885-j4BZYN0YnHEqIFygQsuh0yfLqTA5qoXdrss'),
  keyed('twitter-api-key', 'Twitter / X API key', 'saas', 'twitter', ['twitter'], r`[a-z0-9]{25}`, '6h1tcx64fjv00w4xn7kbgegl6'),
  keyed('twitter-api-secret-in-context', 'Twitter / X API secret (in context)', 'saas', 'twitter', ['twitter'], r`[a-z0-9]{50}`, 'zb1zbsg6hwgvithimx3bkt95p1cpdw4jk34r5u24pho3g4n0m2', { fallback: true }),
  keyed('twitter-bearer-token-in-context', 'Twitter / X bearer token (in context)', 'saas', 'twitter', ['twitter'], r`A{22}[a-zA-Z0-9%]{80,100}`, 'AAAAAAAAAAAAAAAAAAAAAAuCK%Lgo0sNCVYp0xB7im01wh5ASXJHXPArYRHFfmofGaezdqIWFuNQ7LLe0xU1ocXYa5noh3O3TTcJpm04L6Ar9zey7yFp', { fallback: true }),
  keyed('upstage-api-key', 'Upstage API key', 'ai', 'upstage', ['upstage'], r`[A-Za-z0-9]{40,50}`, 'BcF8aXfLkGBkcaaC4CSaQIlf5md1AlOStL6kuVIiq'),
  keyed('yandex-access-token', 'Yandex OAuth / IAM token (in context)', 'cloud', 'yandex', ['yandex'], r`t1\.[A-Za-z0-9_\-]{1,40}={0,2}\.[A-Za-z0-9_\-]{86}={0,2}`, 't1.j1ZyFQ83PZsW9aG8KgmU02.1pnOJFAHuWPjeowNWG_yS9W_NZUdElU6zvxCWBIhpo1DnvUTNjA-XQWxACyVFFwZikrnTsAsUpLTgnoK0xy7MU', { fallback: true }),
  keyed('zai-api-key', 'Z.ai (GLM) API key', 'ai', 'zai|z_ai|z\\.ai|glm|zlm', ['zai', 'z_ai', 'z.ai', 'glm', 'zlm'], r`[a-f0-9]{32}\.[a-z0-9]{16}`, '7e5c2b5c2c8730aa01606c971de9c033.gq9a2s28is4qg8xd'),
  lookalikes(
    keyed('okta-api-token-in-context', 'Okta API token (in context)', 'saas', '[Oo]kta|OKTA', ['okta'], r`00[\w=\-]{40}`, '00kR=oI1dbl-zera00VwWwag5m4zdHgpdsnBxILVzT', { fallback: true, flags: '' }),
    'rookTable = 0023452Lllk2KqjLBvaxANWEgTd7bqjsxjo8aZj0wd',
  ),
  keyed('netlify-token-in-context', 'Netlify access token (in context)', 'cloud', 'netlify', ['netlify'], r`[a-z0-9=_\-]{40,46}`, 'kxm6405px-95vntoqsr=9lsti-x9s42xu01cfsarijmr', { fallback: true }),
  keyed('honeycomb-api-key-in-context', 'Honeycomb API key (in context)', 'observability', 'honeycomb', ['honeycomb'], r`[a-f0-9]{32}|[a-z0-9]{22}`, 'f7e05ccc7e5c2b5c2c8730aa01606c97', { fallback: true }),
  {
    ...keyed('twilio-api-key-sid', 'Twilio API key SID (in context)', 'comms', 'twilio', ['twilio'], r`SK[0-9a-fA-F]{32}`, 'SKad9e07cc2dc393d98d31f66ae00187d1', { fallback: true }),
    // The stricter twilio-api-key takes `TWILIO_API_KEY=SK…`; this one any identifier naming Twilio.
    examples: { positive: ['TWILIO_SID = "SKad9e07cc2dc393d98d31f66ae00187d1"', 'twilioToken: SK4E9E07CC2DC393D98D31F66AE00187D1'], negative: ['TWILIO_SID = "SKad9e07cc2d"', 'unrelated = "SKad9e07cc2dc393d98d31f66ae00187d1"'] },
  },
  keyed('rapidapi-access-token', 'RapidAPI key (in context)', 'saas', 'rapidapi', ['rapidapi'], r`[A-Za-z0-9_\-]{50}`, 'IiGGnegInFyNtIspYhWkRT3AKo2x-whdGN71PxhOU6Urji0TcM', { fallback: true }),
];
