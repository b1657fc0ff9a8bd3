import passport from 'passport';
import { Strategy as JwtStrategy, ExtractJwt } from 'passport-jwt';
import session from 'express-session';
import express from 'express';
const app = express();
passport.use(new JwtStrategy({ jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(), secretOrKey: 'keyboard cat' }, (p, done) => done(null, p))); // vuln
app.use(session({ secret: 'keyboard cat', resave: false, saveUninitialized: true })); // vuln
app.use(session({ secret: process.env.SESSION_SECRET!, resave: false, saveUninitialized: false, cookie: { secure: true, httpOnly: true, sameSite: 'strict' } })); // safe
