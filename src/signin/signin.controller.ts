import { Controller, Get, HttpCode, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { parseCookie } from 'cookie';
import { Public } from '../auth/auth.decorators.js';
import { AcceptsForm } from '../common/body-parsers.js';
import { sessionCookieOf } from '../auth/authenticator.js';
import { unauthenticated } from '../domain/errors.js';
import { LOGOUT_COOKIE, SigninService } from './signin.service.js';

const flowCookieOf = (req: FastifyRequest): string | undefined => {
  const v = req.headers.cookie ? parseCookie(req.headers.cookie).approdo_signin : undefined;
  return v && /^[A-Za-z0-9_-]{43}$/.test(v) ? v : undefined;
};

/** The pages' sign-in (backend-for-frontend): browser navigations and the session the pages read. */
@ApiExcludeController()
@Controller('auth')
export class SigninController {
  constructor(private readonly signin: SigninService) {}

  @Get('login')
  @Public()
  async login(@Query('returnTo') returnTo: unknown, @Query('prompt') prompt: unknown, @Res() reply: FastifyReply) {
    // prompt=login (the refused page's "another account"): the provider asks who again instead of reusing its session
    const out = await this.signin.login(returnTo, prompt === 'login');
    return reply.header('set-cookie', out.setCookies).header('cache-control', 'no-store').redirect(out.redirect, 302);
  }

  @Get('callback')
  @Public()
  async callback(@Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    const out = await this.signin.callback(flowCookieOf(req), req.url);
    return reply.header('set-cookie', out.setCookies).header('cache-control', 'no-store').redirect(out.redirect, 302);
  }

  @Post('logout')
  @Public()
  @HttpCode(200)
  async logout(@Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    const out = await this.signin.logout(req, sessionCookieOf(req));
    return reply.header('set-cookie', out.setCookies).header('cache-control', 'no-store').send({ redirectTo: out.redirectTo });
  }

  /** RP-initiated logout's hop: the ID token comes from its own HttpOnly cookie, never from the page's JavaScript. */
  @Get('logout/provider')
  @Public()
  async providerLogout(@Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    const token = req.headers.cookie ? parseCookie(req.headers.cookie)[LOGOUT_COOKIE] : undefined;
    const out = await this.signin.providerLogout(token);
    // the provider's URL carries the ID token: no cache keeps it, no Referer repeats it
    return reply
      .header('set-cookie', out.setCookies)
      .header('cache-control', 'no-store')
      .header('referrer-policy', 'no-referrer')
      .redirect(out.redirect, 303);
  }

  /** OpenID Connect Back-Channel Logout 1.0: the provider POSTs `logout_token` (form-encoded); 200 once its sessions ended. */
  @Post('backchannel-logout')
  @Public()
  @AcceptsForm()
  @HttpCode(200)
  async backchannelLogout(@Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    void reply.header('cache-control', 'no-store');
    await this.signin.backchannelLogout(req.body);
  }

  @Get('session')
  @Public()
  async session(@Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    void reply.header('cache-control', 'no-store');
    const s = await this.signin.session(sessionCookieOf(req));
    if (!s) throw unauthenticated('not signed in');
    return s;
  }
}
